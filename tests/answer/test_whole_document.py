"""Whole-document reading: summaries and list-every questions read every section, cite its
pages, stay inside the scoped document, cache their notes and stop cleanly when cancelled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

from sourcewise.core.answer.language import NOTHING_FOUND
from sourcewise.core.answer.routing import Route
from sourcewise.core.cli.main import cli
from sourcewise.core.engine import Engine
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.progress import CancelToken, Progress
from sourcewise.core.testing import EchoChatModel, ScriptedChatModel
from sourcewise.core.types import AskOptions, SearchFilters
from tests import fakes
from tests.cli.test_answer_cli import FAKES

SECTIONS = {
    "1 Introduction": [
        "The harbour authority reviewed its ferry operations during 2025. The review covered "
        "safety, timetables and the cost of fuel.",
        "Ferries carried 1.2 million passengers in 2025, up from 1.1 million the year before. "
        "Most journeys were commuter trips.",
    ],
    "2 Safety": [
        "Two minor incidents were recorded in March 2025. Neither caused injury and both were "
        "reported to the coastguard within one hour.",
        "Lifejacket drills now take place every month on each vessel. The deadline for the new "
        "radio equipment is 30 June 2026.",
    ],
    "3 Timetables": [
        "The winter timetable starts on 1 November 2025 with departures every 40 minutes. "
        "Evening services end at 22:00.",
        "Passengers asked for later sailings on Fridays. The deadline for the board's decision "
        "on Friday services is 15 January 2026.",
    ],
    "4 Costs": [
        "Fuel costs rose by 14 percent, to 3.4 million euros. Hybrid engines are planned for "
        "two vessels.",
        "The deadline of the hybrid conversion tender is 31 March 2026. Savings of 20 percent "
        "on fuel are expected.",
    ],
}


def make_report(path: Path) -> Path:
    """Four headed sections of two pages each (headings in a larger bold font)."""
    doc = pymupdf.open()
    for title, pages in SECTIONS.items():
        for i, text in enumerate(pages):
            page = doc.new_page(width=595, height=842)
            top = 72
            if i == 0:
                page.insert_text((72, 88), title, fontsize=18, fontname="hebo")
                top = 112
            page.insert_textbox(pymupdf.Rect(72, top, 523, 770), text, fontsize=11)
    doc.save(path)
    doc.close()
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    make_report(folder / "ferry-review-2025.pdf")
    (folder / "canteen.md").write_text(
        "# Canteen\n\nThe canteen deadline for lunch orders is 10:30 every weekday.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def engine(tmp_path: Path, library: Path) -> Iterator[Engine]:
    eng = fakes.fake_engine(tmp_path / "home")
    reading = eng.settings.reading.model_copy(update={"section_tokens": 200})
    eng.apply_settings(eng.settings.model_copy(update={"reading": reading}))
    eng.library.index([library])
    yield eng
    eng.close()


def test_summary_reads_every_section_and_each_cites_its_pages(
    engine: Engine, library: Path
) -> None:
    report = library / "ferry-review-2025.pdf"
    digest = engine.answers.summarize(report)
    assert digest.sections_total == 4 and digest.sections_done == 4 and not digest.cancelled
    assert [s.title for s in digest.sections] == list(SECTIONS)
    for section in digest.sections:
        assert section.citations, section.title
        for c in section.citations:
            assert c.path == str(report.resolve())
            assert c.page in section.pages
            assert f"[{c.n}]" in section.text
    assert digest.pages_read == 8
    # The summary cites pages of this document only, numbered like the sections' citations,
    # and covers every part of it (one paragraph per top-level heading).
    assert digest.citations and {c.path for c in digest.citations} == {str(report.resolve())}
    assert [p.split(":")[0] for p in digest.summary.split("\n\n")] == list(SECTIONS)


def test_a_list_question_collects_items_from_every_section_once(
    engine: Engine, library: Path
) -> None:
    digest = engine.answers.summarize(library / "ferry-review-2025.pdf", "every deadline")
    found = [s.title for s in digest.sections if s.text]
    assert found == ["2 Safety", "3 Timetables", "4 Costs"]  # the introduction names none
    lines = digest.summary.splitlines()
    assert len(lines) == len(set(lines)) == 3
    assert all(line.startswith("- ") and "[" in line for line in lines)


def test_notes_are_cached_by_content_and_prompt(engine: Engine, library: Path) -> None:
    report = library / "ferry-review-2025.pdf"
    model = engine._parts.chat_model
    assert isinstance(model, EchoChatModel)
    first = engine.answers.summarize(report)
    calls = len(model.prompts)
    again = engine.answers.summarize(report)
    assert first.cached == 0 and calls >= first.sections_total
    assert len(model.prompts) == calls and again.cached == calls  # no model call the second time
    assert again.summary == first.summary
    other = engine.answers.summarize(report, "every deadline")
    assert other.cached == 0  # another question reads again


def test_cancel_returns_what_was_read(engine: Engine, library: Path) -> None:
    cancel = CancelToken()
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        cancel.cancel()  # stop after the first section

    digest = engine.answers.summarize(
        library / "ferry-review-2025.pdf", progress=progress, cancel=cancel
    )
    assert digest.cancelled and digest.sections_done == 1 and digest.sections_total == 4
    assert digest.summary.startswith("Stopped after 1 of 4 sections")
    assert seen[0].stage == "reading" and seen[0].total == 4


def test_an_unindexed_document_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(SourcewiseError, match="not indexed"):
        engine.answers.summarize(tmp_path / "nowhere.pdf")
    scope = SearchFilters(documents=(str(tmp_path / "nowhere.pdf"),))
    with pytest.raises(SourcewiseError, match="not indexed"):
        engine.library.search("ferry", 3, scope)


def test_a_scoped_question_never_cites_another_document(engine: Engine, library: Path) -> None:
    report = str((library / "ferry-review-2025.pdf").resolve())
    scope = SearchFilters(documents=(report,))
    hits = engine.library.search("deadline for lunch orders", 5, scope)
    assert hits and {h.path for h in hits} == {report}
    answer = engine.answers.ask("What is the deadline for lunch orders?", AskOptions(filters=scope))
    assert answer.mode == "passages"
    assert {c.path for c in answer.citations} <= {report}


def test_routing_reads_the_scoped_document_for_a_summary(engine: Engine, library: Path) -> None:
    report = str((library / "ferry-review-2025.pdf").resolve())
    answer = engine.answers.ask(
        "Summarize this document", AskOptions(filters=SearchFilters(documents=(report,)))
    )
    assert answer.mode == "document" and "Read whole" in answer.reason
    assert answer.citations and {c.path for c in answer.citations} == {report}
    forced = engine.answers.ask("Summarize this document", AskOptions(filters=SearchFilters(documents=(report,)), mode="passages"))  # fmt: skip
    assert forced.mode == "passages"


def test_a_question_naming_a_document_reads_it(engine: Engine, library: Path) -> None:
    answer = engine.answers.ask("List every deadline in the ferry review")
    assert answer.mode == "document"
    assert {c.path for c in answer.citations} == {
        str((library / "ferry-review-2025.pdf").resolve())
    }
    plain = engine.answers.ask("When does the winter timetable start?")
    assert plain.mode == "passages"


def test_cli_summarize_json(engine: Engine, library: Path, tmp_path: Path) -> None:
    home = engine.settings.home
    engine.close()
    result = CliRunner().invoke(
        cli,
        [
            "--data-dir",
            str(home),
            *FAKES,
            "--set",
            "reading.section_tokens=200",
            "summarize",
            str(library / "ferry-review-2025.pdf"),
            "--json",
        ],
        obj=None,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) >= {"summary", "sections", "seconds", "cancelled"}
    assert len(out["sections"]) == 4
    for section in out["sections"]:
        assert set(section) == {"title", "pages", "text", "citations"}
        assert all(c["page"] in section["pages"] for c in section["citations"])


def test_a_summary_is_clean_sentences_without_stray_markers_or_a_cut_phrase() -> None:
    from sourcewise.core.answer.whole_document import clean_prose

    raw = "[1] The manual covers safety. It lists tools [2].\n[3][4] Goggles are required. Glo"
    assert clean_prose(raw) == (
        "The manual covers safety [1]. It lists tools [2].\nGoggles are required [3][4]."
    )
    assert clean_prose("Goggles are required [1]. Gloves are") == "Goggles are required [1]."
    assert clean_prose("A note without any full stop") == "A note without any full stop"
    assert clean_prose("Wear gloves [1]. • Goggles are required [2].") == (
        "Wear gloves [1]. Goggles are required [2]."
    )
    assert (
        clean_prose("Offcuts go in the red bins.\n[2] [3]") == "Offcuts go in the red bins [2][3]."
    )


def test_nothing_found_in_a_document_is_said_in_the_question_language(
    tmp_path: Path, library: Path
) -> None:
    """Issue 23, item 4: a German list question read against a whole document that lists
    nothing of the kind is declined in German, as a passage answer's decline is. (The routing
    cues are English, so the list route is given here.)"""
    engine = fakes.fake_engine(tmp_path / "home-de", chat_model=ScriptedChatModel("NONE"))
    try:
        engine.library.index([library])
        documents = engine.answers._pipeline().documents()
        report = str((library / "ferry-review-2025.pdf").resolve())
        route = Route("document", "list", "a list question about a whole document")
        answer = documents.answer("Liste jede Rakete im Bericht auf.", route, [report])
    finally:
        engine.close()
    assert answer.mode == "document" and answer.abstained
    assert answer.answer == NOTHING_FOUND["German"]
