"""Evidence and quotes are whole sentences: German ordinal dates, CJK without spaces, and a
sentence hard-wrapped over several lines of a .txt file."""

from __future__ import annotations

from pathlib import Path

from sourcewise.core.answer.evidence import EvidenceSelector, split_units
from sourcewise.core.types import SearchHit
from tests.answer.conftest import fake_engine

SOMMERFEST = "Das Sommerfest findet am 12. Juli 2025 im Stadtpark statt."
SURVEY = (
    "Staff survey 2024\n"
    "\n"
    "The survey went to all 140 people of the warehouse teams in the spring.\n"
    "More than half of the respondents said that the new shift rota had\n"
    "improved their working conditions, mostly because the night shifts are\n"
    "shorter now. A third of them asked for longer breaks.\n"
)
WRAPPED = (
    "More than half of the respondents said that the new shift rota had improved their "
    "working conditions, mostly because the night shifts are shorter now."
)


def _hit(text: str) -> SearchHit:
    return SearchHit(rank=1, score=1.0, path="/d/fest.txt", page=None, chunk_id=1, heading="",
                     text=text, start=0, end=len(text), document_id=1)  # fmt: skip


def test_a_german_date_keeps_its_sentence_whole() -> None:
    text = f"Einladung. {SOMMERFEST} Bitte bringt Salate mit."
    units = split_units(text)
    assert [u.text for u in units] == ["Einladung.", SOMMERFEST, "Bitte bringt Salate mit."]
    selector = EvidenceSelector(None, lambda s: len(s.split()), budget_tokens=12, margin=0.5)
    [ev] = selector.select("Wann findet das Sommerfest im Stadtpark statt?", [_hit(text)])
    assert text[ev.best[0] : ev.best[1]] == SOMMERFEST
    assert SOMMERFEST in ev.text


def test_cjk_sentences_are_units_without_spaces_between_them() -> None:
    units = split_units("设计主四合院的是谁。第二句在这里。")
    assert [u.text for u in units] == ["设计主四合院的是谁。", "第二句在这里。"]


def test_a_hard_wrapped_sentence_is_one_unit_spanning_the_line_breaks() -> None:
    units = split_units(SURVEY)
    assert [u.text for u in units] == [
        "Staff survey 2024",
        "The survey went to all 140 people of the warehouse teams in the spring.",
        WRAPPED,
        "A third of them asked for longer breaks.",
    ]
    wrapped = units[2]
    assert SURVEY[wrapped.start : wrapped.end].count("\n") == 2
    assert " ".join(SURVEY[wrapped.start : wrapped.end].split()) == WRAPPED


def test_a_hard_wrapped_txt_quote_is_the_whole_sentence(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "survey.txt").write_text(SURVEY, encoding="utf-8")
    engine = fake_engine(tmp_path / "home")
    try:
        engine.library.index([folder])
        answer = engine.answers.ask(
            "What did more than half of the respondents say about the shift rota?"
        )
    finally:
        engine.close()
    assert not answer.abstained
    [cite] = answer.citations
    assert cite.path.endswith("survey.txt")
    assert cite.quote == WRAPPED  # the whole sentence, its line breaks read as spaces
    assert " ".join(SURVEY[cite.start : cite.end].split()) == WRAPPED  # the span covers it all
