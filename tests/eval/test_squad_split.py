"""The SQuAD answer benchmark's helpers: split, sampling, corpus spans, scoring and rows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))  # the bench scripts import their helpers as top-level modules

import _answer_metrics as am  # noqa: E402
import _answer_rows as rows_  # noqa: E402
import _squad  # noqa: E402
import _squad_run  # noqa: E402

from sourcewise.core.cli.context import parse_overrides  # noqa: E402


def _qa(qid: str, question: str, answers: list[tuple[str, int]] | None) -> dict[str, Any]:
    return {"id": qid, "question": question, "is_impossible": answers is None,
            "answers": [{"text": t, "answer_start": s} for t, s in answers or []]}  # fmt: skip


def _article(title: str, n: int) -> dict[str, Any]:
    paras = []
    for p in range(n):
        context = f"{title} paragraph {p} says the value is {p}00 units."
        at = context.index(f"{p}00")
        paras.append({"context": context, "qas": [
            _qa(f"{title}-{p}-a", f"What value does {title} {p} give?", [(f"{p}00", at), (f"{p}00 units", at)]),
            _qa(f"{title}-{p}-u", f"What value does {title} {p} deny?", None),
        ]})  # fmt: skip
    return {"title": title, "paragraphs": paras}


@pytest.fixture
def articles(tmp_path: Path) -> list[_squad.Article]:
    titles = [*_squad.EVAL_ARTICLES, *_squad.TRAIN_ARTICLES]
    path = tmp_path / "squad.json"
    data = {"version": "v2.0", "data": [_article(t, 12) for t in titles]}
    path.write_text(json.dumps(data), encoding="utf-8")
    return _squad.load(path)


# -- normalisation and scoring ------------------------------------------------------------------
def test_normalize_follows_squad_and_drops_citation_markers() -> None:
    assert am.normalize("The  Normans, of an old France! [2]") == "normans of old france"
    assert am.normalize("10th-century") == "10thcentury"  # SQuAD deletes punctuation, no space


def test_contains_gold_matches_whole_tokens_only() -> None:
    assert am.contains_gold("It happened in 1066 [1].", ["1066"])
    assert not am.contains_gold("It happened in 10660.", ["1066"])
    assert not am.contains_gold("See source [2].", ["2"])  # a marker is not an answer
    assert am.contains_gold("Built by the Romans.", ["a Romans", "Greeks"])
    assert not am.contains_gold("anything", ["", "the"])  # empty gold never matches


def test_holds_gold_reads_a_marker_inside_a_gold_and_cjk_without_spaces() -> None:
    # An XQuAD gold with its sentence's stop: the answer's marker sits before the stop.
    assert am.holds_gold("كان قد كتب عليها كتابته الأخيرة [1].", "كتابته الأخيرة.")
    assert am.holds_gold("特斯拉在1937年收到了 [1]。", "1937 年")  # spaces dropped for CJK
    assert not am.holds_gold("It happened in 10660.", "1066")


def test_mlqa_contains_drops_each_language_articles_and_punctuation() -> None:
    said = "Die Wärmequelle ist die Verfeuerung brennbarer Materialien [1]."
    assert am.mlqa_contains(said, ["der Verfeuerung brennbarer Materialien"], "de")
    assert not am.mlqa_contains(said, ["der Verfeuerung von Holz"], "de")
    assert am.mlqa_contains("كتب عليها كتابته الأخيرة [1].", ["كتابته الأخيرة."], "ar")
    assert am.mlqa_contains("特斯拉在1937年收到了 [1]。", ["1937 年"], "zh")
    assert not am.mlqa_contains("See source [2].", ["2"], "en")  # a marker is not an answer


def test_token_f1_is_the_best_over_gold_answers() -> None:
    # "paris france" vs "paris": precision 1/2, recall 1 -> 2/3; vs "paris france": 1.0
    assert am.token_f1("Paris, France.", ["Paris"]) == pytest.approx(2 / 3)
    assert am.token_f1("Paris, France.", ["Paris", "Paris France"]) == 1.0
    assert am.token_f1("Lyon", ["Paris"]) == 0.0
    assert am.token_f1("", ["Paris"]) == 0.0


def test_prose_declines_are_recognised() -> None:
    assert am.says_not_covered("The documents do not cover this.")
    assert am.says_not_covered("This is not mentioned in the sources.")
    assert not am.says_not_covered("The Normans came from Normandy [1].")


def test_span_covers_needs_the_whole_gold_span() -> None:
    assert am.span_covers(10, 50, [(20, 30)])
    assert not am.span_covers(25, 50, [(20, 30)])
    assert not am.span_covers(0, 0, [(0, 0)])


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 41)]
    assert am.percentile(values, 50) == 20.0
    assert am.percentile(values, 95) == 38.0
    assert am.percentile([], 50) is None
    assert am.rate([]) is None


# -- split and sampling ------------------------------------------------------------------------
def test_split_halves_are_disjoint_and_cover_the_file(articles: list[_squad.Article]) -> None:
    assert not set(_squad.EVAL_ARTICLES) & set(_squad.TRAIN_ARTICLES)
    _squad.check_split(articles)
    with pytest.raises(ValueError, match="update EVAL_ARTICLES"):
        _squad.check_split(articles[:-1])


def test_real_split_has_both_kinds_of_question_in_each_half() -> None:
    if not _squad.SQUAD.exists():
        pytest.skip(f"{_squad.SQUAD} is not on this machine")
    arts = _squad.load()
    _squad.check_split(arts)
    for names in (_squad.EVAL_ARTICLES, _squad.TRAIN_ARTICLES):
        qs = [q for a in arts if a.title in names for q in a.questions]
        assert sum(q.answerable for q in qs) >= 100
        assert sum(not q.answerable for q in qs) >= 100


def test_sample_draws_only_from_its_split(articles: list[_squad.Article]) -> None:
    evals = _squad.sample(articles, 20, "eval")
    train = _squad.sample(articles, 20, "train")
    assert {q.article for q in evals} <= set(_squad.EVAL_ARTICLES)
    assert {q.article for q in train} <= set(_squad.TRAIN_ARTICLES)


def test_sample_is_seeded_balanced_and_prefix_stable(articles: list[_squad.Article]) -> None:
    big = _squad.sample(articles, 24)
    assert [q.id for q in big] == [q.id for q in _squad.sample(articles, 24)]
    assert _squad.sample(articles, 8) == big[:8]  # --quick's questions are among the full run's
    assert [q.answerable for q in big[:6]] == [True, False] * 3
    assert sum(q.answerable for q in big) == 12
    assert big != _squad.sample(articles, 24, seed=12)


def test_sample_share_and_bad_requests(articles: list[_squad.Article]) -> None:
    assert all(q.answerable for q in _squad.sample(articles, 6, answerable_share=1.0))
    with pytest.raises(ValueError, match="hold 24 answerable"):
        _squad.sample(articles, 60)
    with pytest.raises(ValueError, match="at least 1"):
        _squad.sample(articles, 0)


def test_gold_spans_point_at_the_answer_in_the_indexed_text(
    articles: list[_squad.Article], tmp_path: Path
) -> None:
    corpus = _squad.write_corpus(articles, tmp_path / "corpus")
    text = corpus["Force"].read_text(encoding="utf-8")
    assert text.startswith("# Force\n\nForce paragraph 0 says")
    questions = [q for a in articles if a.title == "Force" for q in a.questions]
    spans = _squad_run.gold_spans(articles, corpus, questions)
    from sourcewise.core.ingest.chunking import document_text
    from sourcewise.core.ingest.parsers import parse_file

    extracted, _ = document_text(parse_file(corpus["Force"]))
    q = next(q for q in questions if q.id == "Force-3-a")
    assert [extracted[s:e] for s, e in spans[q.id]] == ["300", "300 units"]
    assert spans["Force-3-u"] == []


# -- one scored record -------------------------------------------------------------------------
def _answer(text: str, cites: list[tuple[str, int, int, str]], abstained: bool = False,
            **extra: Any) -> SimpleNamespace:  # fmt: skip
    citations = [SimpleNamespace(n=i + 1, path=f"/x/{f}", page=None, chunk_id=i, start=s, end=e,
                                 text=t, supported=None) for i, (f, s, e, t) in enumerate(cites)]  # fmt: skip
    timings = SimpleNamespace(retrieve_ms=5.0, ttft_ms=0.0 if abstained else 900.0,
                              tokens_per_s=20.0, total_ms=1500.0, **extra)  # fmt: skip
    return SimpleNamespace(answer=text, citations=citations, abstained=abstained, timings=timings)


def _question(answerable: bool = True) -> _squad.Question:
    return _squad.Question("q1", "Force", 0, "What value?", answerable,
                           ("300",) if answerable else (), (("300", 10),) if answerable else ())  # fmt: skip


def test_score_credits_a_citation_by_text_or_by_span() -> None:
    by_text = _squad_run.score(
        "r",
        _question(),
        _answer("It is 300 [1].", [("Other.md", 0, 9, "value 300")]),
        "Force.md",
        [(100, 103)],
    )
    assert by_text["contains"] and by_text["cited_holds"] and by_text["uncited"] is False
    by_span = _squad_run.score(
        "r",
        _question(),
        _answer("It is 300 [1].", [("Force.md", 90, 200, "an excerpt")]),
        "Force.md",
        [(100, 103)],
    )
    assert by_span["cited_holds"]
    wrong_file = _squad_run.score(
        "r",
        _question(),
        _answer("It is 300 [1].", [("Normans.md", 90, 200, "x")]),
        "Force.md",
        [(100, 103)],
    )
    assert not wrong_file["cited_holds"]  # fmt: skip


def test_score_counts_prose_declines_as_abstentions() -> None:
    rec = _squad_run.score("r", _question(), _answer("It is 300, but the documents do not cover it.", []), "Force.md", [])  # fmt: skip
    assert rec["abstained"] and rec["prose_abstained"] and not rec["engine_abstained"]
    assert rec["contains"] is False and rec["f1"] == 0.0 and rec["uncited"] is None


def test_score_flags_uncited_answers_and_reads_token_counts() -> None:
    plain = _squad_run.score("r", _question(False), _answer("It is 7.", []), "Force.md", [])
    assert plain["uncited"] is True and plain["contains"] is None and plain["prompt_tokens"] is None
    flagged = _answer(
        "It is 7 [1].", [("Force.md", 0, 5, "7")], prompt_tokens=420, source_tokens=300
    )
    flagged.uncited = True
    flagged.reason = "a source-label echo was cut"
    rec = _squad_run.score("r", _question(False), flagged, "Force.md", [])
    assert rec["uncited"] is True and rec["prompt_tokens"] == 420 and rec["source_tokens"] == 300
    assert rec["reason"] == "a source-label echo was cut" and plain["reason"] is None


# -- rows and settings --------------------------------------------------------------------------
def test_parse_row_reads_dotted_overrides() -> None:
    row = rows_.parse_row(
        "small:answer.max_sources=3, llm.model=qwen2.5-coder-1.5b,llm.adapter=null"
    )
    assert row == rows_.Row(
        "small", {"answer.max_sources": 3, "llm.model": "qwen2.5-coder-1.5b", "llm.adapter": None}
    )
    assert rows_.parse_row("new:") == rows_.Row("new")  # fmt: skip
    with pytest.raises(ValueError, match="expected NAME"):
        rows_.parse_row("no-colon")
    with pytest.raises(ValueError, match="key=value"):
        rows_.parse_row("bad:answer.max_sources")


def test_unknown_setting_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"--row x: unknown setting\(s\) answer\.nope"):
        rows_.check_keys({"answer.nope": 1, "answer.max_sources": 2}, "--row x")
    with pytest.raises(ValueError, match="home"):
        rows_.check_keys({"home": "/tmp"}, "--set")


def test_default_rows_pin_the_previous_pipeline() -> None:
    rows, notes = rows_.default_rows()
    assert [r.name for r in rows] == ["previous defaults", "new defaults"]
    assert rows[0].overrides["answer.max_sources"] == 8
    assert rows[1].overrides == {}
    known = rows_.known_keys()
    assert all(k in known for k in rows[0].overrides)
    assert all("not a setting here" in n for n in notes)


def test_global_set_wins_over_row_values(tmp_path: Path) -> None:
    row = rows_.Row("a", {"answer.max_sources": 8, "llm.model": "qwen2.5-coder-0.5b"})
    dotted = rows_.merged(row, {"llm.model": "smollm2-135m"})
    settings = rows_.build_settings(dotted, tmp_path, tmp_path / "models")
    assert settings.llm.model == "smollm2-135m" and settings.answer.max_sources == 8
    assert settings.index.parse_mode == "thread"


def test_cli_pairs_give_a_subprocess_the_same_settings() -> None:
    dotted = {"answer.max_sources": 3, "llm.model": "smollm2-135m", "llm.adapter": None,
              "llm.temperature": 0.0, "retrieval.rerank": False}  # fmt: skip
    assert parse_overrides(tuple(rows_.cli_pairs(dotted))) == rows_.nested(dotted)


def test_rows_must_share_the_index_settings(tmp_path: Path) -> None:
    a = rows_.build_settings({}, tmp_path, tmp_path)
    b = rows_.build_settings({"index.chunk_tokens": 128}, tmp_path, tmp_path)
    rows_.check_shared(
        {"a": a, "c": rows_.build_settings({"answer.max_sources": 2}, tmp_path, tmp_path)}
    )
    with pytest.raises(ValueError, match="index"):
        rows_.check_shared({"a": a, "b": b})  # fmt: skip


def test_summary_rates_use_the_right_denominators() -> None:
    def rec(answerable: bool, abstained: bool, **kw: Any) -> dict[str, Any]:
        base = {"answerable": answerable, "abstained": abstained, "engine_abstained": abstained,
                "contains": False if answerable else None, "f1": 0.0 if answerable else None,
                "cited_holds": False if answerable else None, "uncited": None if abstained else False,
                "ttft_ms": 0.0 if abstained else 1000.0, "tokens_per_s": 10.0, "wall_ms": 2000.0,
                "first_token_ms": None, "prompt_tokens": None, "source_tokens": None}  # fmt: skip
        return {**base, **kw}

    records = [
        rec(True, False, contains=True, f1=1.0, cited_holds=True),
        rec(True, False, uncited=True, f1=0.5),
        rec(True, True),
        rec(False, True),
        rec(False, False, ttft_ms=3000.0),
    ]
    s = rows_.summarise(records, [{"error": None, "ttft_ms": 5000.0, "wall_ms": 9000.0},
                                  {"error": None, "ttft_ms": 0.0, "wall_ms": 3000.0},
                                  {"error": "exit 1: boom"}], 4.0)  # fmt: skip
    assert (s["answerable"], s["unanswerable"]) == (3, 2)
    assert s["contains"] == pytest.approx(1 / 3) and s["f1"] == pytest.approx(0.5)
    assert s["answered"] == pytest.approx(2 / 3) and s["abstained"] == 0.5
    assert s["uncited"] == pytest.approx(1 / 3)  # among the three answers given
    assert s["ttft_p50"] == 1000.0 and s["ttft_p95"] == 3000.0  # gate abstentions left out
    assert s["cold_ttft_p50"] == 5000.0 and s["cold_failed"] == 1  # an abstention has no TTFT
    assert s["cold_wall_p50"] == 3000.0
    table = rows_.goals_table({"x": s})
    assert "| answer contains a gold answer (answerable) | ≥ 0.80 | 0.33 ✗ |" in table
    assert "| TTFT p50, warm (s) | ≤ 3.00 | 1.00 ✓ |" in table
    assert "| source tokens p50 | ≤ 500 | n/a |" in table
