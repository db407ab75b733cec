"""Evidence selection: the sentences and table rows that answer, within a token budget."""

from __future__ import annotations

from dataclasses import replace

from sourcewise.core.answer.evidence import EvidenceSelector, split_units
from sourcewise.core.testing import OverlapReranker
from sourcewise.core.types import SearchHit

PROSE = (
    "The depot opened in 1998 near the harbour. It has three loading bays. "
    "The eye-wash stations are next to each exit of the workshop. Visitors sign in at the desk."
)
TABLE = (
    "Suppliers and ratings\n"
    "| supplier | rating | contact |\n"
    "|---|---|---|\n"
    "| Brightwater Ltd | 3.9 | sales@brightwater.example |\n"
    "| Okonkwo Supplies | 4.8 | desk@okonkwo.example |\n"
    "| Delta Parts | 4.1 | info@delta.example |"
)


def _hit(text: str, chunk_id: int = 1, start: int = 0) -> SearchHit:
    return SearchHit(rank=chunk_id, score=1.0, path=f"/d/doc{chunk_id}.txt", page=1,
                     chunk_id=chunk_id, heading="", text=text, start=start,
                     end=start + len(text), document_id=chunk_id)  # fmt: skip


def _words(text: str) -> int:
    return len(text.split())


def test_prose_splits_into_sentences_with_offsets() -> None:
    units = split_units(PROSE)
    assert [u.text for u in units][:2] == ["The depot opened in 1998 near the harbour.",
                                           "It has three loading bays."]  # fmt: skip
    assert all(PROSE[u.start : u.end] == u.text for u in units)


def test_decimals_and_abbreviations_do_not_end_a_sentence() -> None:
    units = split_units("Revenue rose 3.5 percent in 2021. Costs fell.")
    assert [u.text for u in units] == ["Revenue rose 3.5 percent in 2021.", "Costs fell."]


def test_table_rows_are_units_that_keep_their_header() -> None:
    units = split_units(TABLE)
    rows = [u for u in units if u.header is not None]
    assert len(rows) == 3
    header = TABLE[rows[0].header[0] : rows[0].header[1]]  # type: ignore[index]
    assert header.startswith("| supplier | rating | contact |") and "|---|" in header


def test_a_statements_header_rule_under_its_first_data_row_is_no_unit() -> None:
    # A PDF statement's first row is data (its column labels are text above the table); the
    # rule under it was shown to the model as a row of its own, "--- | --- | ---".
    statement = ("(In millions)\n| Products | 60,584 | 63,355 |\n| --- | --- | --- |\n"
                 "| Services | 21,213 | 19,604 |\n| Total net sales | 81,797 | 82,959 |")  # fmt: skip
    units = split_units(statement)
    assert [u.text for u in units] == ["(In millions)", "| Products | 60,584 | 63,355 |",
                                       "| Services | 21,213 | 19,604 |",
                                       "| Total net sales | 81,797 | 82,959 |"]  # fmt: skip
    assert len({u.header for u in units[1:]}) == 1  # one table, one header


def test_the_best_sentence_comes_with_its_neighbours_and_the_rest_is_left_out() -> None:
    selector = EvidenceSelector(OverlapReranker(), _words, budget_tokens=30, margin=2.0)
    [ev] = selector.select("Where are the eye-wash stations of the workshop?", [_hit(PROSE)])
    assert "It has three loading bays. The eye-wash stations are next to each exit" in ev.text
    assert "Visitors sign in" in ev.text  # the sentence after the best one: its answer, often
    assert "The depot opened" not in ev.text  # scored far below: left out
    assert PROSE[ev.best[0] : ev.best[1]].startswith("The eye-wash stations")


def test_the_sentence_after_the_best_one_joins_it() -> None:
    minutes = ("Marco reported that the lease for the new office at Hafenstrasse 12 has been "
               "signed. The committee approved the move for 1 October 2025.")  # fmt: skip
    selector = EvidenceSelector(OverlapReranker(), _words, budget_tokens=60, margin=1.0)
    [ev] = selector.select("When will the office at Hafenstrasse 12 move?", [_hit(minutes)])
    assert "1 October 2025" in ev.text


def test_a_table_row_comes_with_the_header_that_names_its_columns() -> None:
    selector = EvidenceSelector(OverlapReranker(), _words, budget_tokens=40, margin=1.0)
    [ev] = selector.select("Which supplier has rating 4.8 and what is the contact?", [_hit(TABLE)])
    # Each row is read with its column names, so "4.8" is a rating, not a guess.
    assert "supplier: Okonkwo Supplies; rating: 4.8; contact: desk@okonkwo.example" in ev.text


def test_the_budget_bounds_the_evidence_across_passages() -> None:
    hits = [_hit(PROSE + " " + PROSE.replace("eye-wash", "first-aid"), i) for i in (1, 2, 3)]
    selector = EvidenceSelector(OverlapReranker(), _words, budget_tokens=25, margin=50.0)
    chosen = selector.select("Where are the eye-wash stations?", hits)
    assert sum(_words(e.text) for e in chosen) <= 25 + 2 * len(chosen)
    assert chosen and "eye-wash" in chosen[0].text


def test_without_a_reranker_word_overlap_still_finds_the_sentence() -> None:
    selector = EvidenceSelector(None, _words, budget_tokens=12, margin=0.5)
    [ev] = selector.select("How many loading bays does the depot have?", [_hit(PROSE)])
    assert "three loading bays" in ev.text


def test_a_matching_faq_question_brings_its_answer() -> None:
    faq = ("Q: How do I reset my password?\nA: Use the self-service page.\n"
           "Q: Can I install my own software?\nA: Yes, from the Software Centre app.")  # fmt: skip
    selector = EvidenceSelector(OverlapReranker(), _words, budget_tokens=40, margin=1.0)
    [ev] = selector.select("Can I install my own software?", [_hit(faq)])
    assert "Software Centre app" in ev.text


def test_a_short_key_value_line_is_evidence_and_stays_a_line() -> None:
    notes = ("Quick notes for whoever is on call.\n- Host: staging-db-02.internal\n- Port: 5433\n"
             "- Owner: Priya Raman")  # fmt: skip
    hit = replace(_hit(notes), heading="Staging database")
    selector = EvidenceSelector(OverlapReranker(), _words, budget_tokens=40, margin=0.5)
    [ev] = selector.select("Which port does the staging database listen on?", [hit])
    assert "\n- Port: 5433" in ev.text  # two words, yet the answer; a line of its own
    assert notes[ev.best[0] : ev.best[1]] == "- Port: 5433"


def test_a_chinese_sentence_is_evidence_and_is_chosen() -> None:
    note = ("产品评审会议纪要\n\n时间：2025年3月14日 下午2点 地点：上海办公室\n\n"
            "会议讨论了新版本的发布计划。由于支付模块的测试尚未完成，新版本的发布日期推迟到4月28日。"
            "李强负责制定测试计划，截止日期为3月31日。")  # fmt: skip
    selector = EvidenceSelector(None, _words, budget_tokens=60, margin=2.0)
    [ev] = selector.select("新版本的发布日期推迟到什么时候？", [_hit(note)])
    assert "新版本的发布日期推迟到4月28日" in ev.text


def test_a_short_passage_is_read_whole_when_it_holds_the_best_sentence() -> None:
    invoice = ("INVOICE No. 2025-0417 Invoice date: 18 July 2025. Customer: Demo AG.\n\n"
               "Laptop leasing, July 2025, 2,640.00 EUR.\n\n"
               "Total due: EUR 3,480.00. Payment due by 15 August 2025 to IBAN DE89 3704.")  # fmt: skip
    selector = EvidenceSelector(OverlapReranker(), _words, budget_tokens=200, margin=0.5)
    [ev] = selector.select("By when must invoice 2025-0417 be paid?", [_hit(invoice)])
    assert "Payment due by 15 August 2025" in ev.text
