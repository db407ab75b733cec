"""The pieces behind the panels: citation links, PDF highlighting, text highlighting."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from sourcewise.core.types import Answer, Citation
from sourcewise.desktop.conversation import (
    Conversation,
    Exchange,
    link_citations,
    parse_cite_link,
    render,
)
from sourcewise.desktop.pdf_highlight import find_passage, passage_pieces, render_page
from sourcewise.desktop.sources_panel import SourceItem, SourcesPanel

from .helpers import write_pdf

pytestmark = pytest.mark.gui


def test_citation_markers_become_links() -> None:
    text = link_citations("Leave is 28 days [1]. Sick pay differs [2, 3]. See [9].", 0, {1, 2, 3})
    assert "[\\[1\\]](cite:1?a=0)" in text
    assert "(cite:2?a=0)" in text and "(cite:3?a=0)" in text
    assert "[9]" in text and "cite:9" not in text
    assert parse_cite_link("cite:2?a=4") == (2, 4)
    assert parse_cite_link("cite:7") == (7, None)
    assert parse_cite_link("https://example.com") is None


def test_conversation_renders_questions_literally_and_keeps_history() -> None:
    answer = Answer("q", "It is 28 days [1].", citations=[Citation(1, "/a.md", None, 1, "x")])
    conv = Conversation([Exchange("What is *leave*?", "It is 28 days [1].", "done", answer),
                         Exchange("And sick pay?", "", "waiting")])  # fmt: skip
    md = render(conv)
    assert "What is \\*leave\\*?" in md
    assert "(cite:1?a=0)" in md
    assert "Searching your documents" in md
    assert [t.role for t in conv.history()] == ["user", "assistant"]


def test_passage_is_found_across_line_breaks(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "m.pdf", [
        ["Nothing to see on this page."],
        ["Staff must fit the padlock before they", "adjust the machine. Only the person who",
         "fitted a lock may remove it."],
    ])  # fmt: skip
    passage = "Staff must fit the padlock before they\nadjust the machine. Only the person who fitted a lock may remove it."
    assert (
        passage_pieces(passage)[0] == "Staff must fit the padlock before they adjust the machine."
    )
    with pymupdf.open(pdf) as doc:
        assert len(find_passage(doc[1], passage)) >= 3
        assert find_passage(doc[0], passage) == []
    page = render_page(pdf, None, passage, 600)  # no page given: the passage's page is found
    assert page.page == 2 and page.rects and page.width == 600


def test_text_sources_are_shown_in_their_document_with_the_span_highlighted(
    qtbot, tmp_path: Path
) -> None:
    md = tmp_path / "guide.md"
    md.write_text("# Guide\n\nIntro text here.\n\n## Leave\n\nFull-time staff receive **28 days** of "
                  "paid leave per year.\n\nOther things follow.\n")  # fmt: skip
    panel = SourcesPanel()
    qtbot.addWidget(panel)
    item = SourceItem(
        1,
        str(md),
        None,
        "Leave\n\nFull-time staff receive **28 days** of paid leave per year.",
        0.5,
    )
    panel.set_sources([item], key=0)
    assert panel.select(1)
    assert panel.preview.currentWidget() is panel.text_view
    assert panel.highlighted_chars > 20
    assert "Intro text here" in panel.text_view.toPlainText()  # the whole document is shown


def test_the_sample_manual_highlights_despite_ligatures() -> None:
    from sourcewise.desktop.assets import sample_dir

    pdf = sample_dir() / "workshop-safety-manual.pdf"  # its text uses ﬀ/ﬁ ligature glyphs
    passage = ("Only trained staff may operate the tube cutter, the frame jig press, the brazing "
               "torches and the powder-coating oven.")  # fmt: skip
    page = render_page(pdf, 2, passage, 500)
    assert page.page == 2 and len(page.rects) >= 2


def test_a_mail_attachment_is_shown_as_its_indexed_text_under_its_reference(
    qtbot, tmp_path: Path
) -> None:
    from sourcewise.desktop.open_path import holding_file

    mbox = tmp_path / "inbox.mbox"
    mbox.write_text("From alice@example.com Tue Mar  5 10:00:00 2024\n\nHello\n")
    attachment = mbox / "abc@example.com.eml" / "budget.pdf"  # a virtual path beneath it
    panel = SourcesPanel()
    qtbot.addWidget(panel)
    item = SourceItem(1, str(attachment), 2, "The travel budget is 12,000 EUR.", 0.5,
                      reference="Alice Smith, 2024-03-05, “Budget”")  # fmt: skip
    panel.set_sources([item], key=0)
    assert panel.select(1)
    assert panel.preview.currentWidget() is panel.text_view  # not the PDF viewer: no file
    assert "12,000 EUR" in panel.text_view.toPlainText()
    assert "Alice Smith, 2024-03-05" in panel.caption.text()
    assert holding_file(str(attachment)) == mbox  # "Open" opens the archive that holds it
