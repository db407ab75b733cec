"""The character pairs of the scripts written without spaces (store/grams.py), and the query
terms keyword search makes of a mixed query."""

from __future__ import annotations

from sourcewise.core.retrieve.keyword import query_terms
from sourcewise.core.store.grams import chunk_grams, is_gram, run_grams


def test_runs_are_cut_into_overlapping_pairs_within_one_script() -> None:
    assert run_grams("暗証番号") == ["暗証", "証番", "番号"]
    assert run_grams("水") == ["水"]  # a run shorter than a pair is its own term
    # A Thai vowel or tone mark stays with the letter before it: no pair holds one alone.
    assert run_grams("ที่ข้อ") == ["ที่ข้", "ข้อ"]
    # Latin text is the word index's; the heading's run comes first; scripts never mix.
    assert chunk_grams("PIN 暗証番号 and รหัส", heading="見出し") == (
        "見出 出し 暗証 証番 番号 รหั หัส"
    )
    assert chunk_grams("English only, no runs.") == ""


def test_query_terms_keep_words_and_cut_runs() -> None:
    assert query_terms("What is the PIN?") == ["pin"]  # as before: stopwords dropped
    assert query_terms("iPhoneの暗証番号") == ["iphone", "の暗", "暗証", "証番", "番号"]
    assert query_terms("暗証番号 暗証") == ["暗証", "証番", "番号"]  # distinct
    assert all(is_gram(t) for t in query_terms("我们的暗证番号"))
    assert not is_gram("pin") and not is_gram("iPhoneの")
