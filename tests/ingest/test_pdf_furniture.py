"""Running heads and folios: removed only on real evidence, never at the cost of body text."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from sourcewise.core.ingest.parsers import parse_file

from . import corpus


def _one_line_pages(path: Path, lines: list[str]) -> Path:
    doc = pymupdf.open()
    for line in lines:
        doc.new_page(width=595, height=842).insert_text((72, 72), line, fontsize=11)
    doc.save(path)
    doc.close()
    return path


def test_one_line_pages_are_body_text(tmp_path: Path) -> None:
    # Issue 13 item 2: the same line (digits aside) at the top of every page was taken for a
    # running head and every page came out empty.
    for count in (3, 6):
        lines = [f"Page {n}. The zebra-lantern protocol number is {4710 + n}." for n in
                 range(1, count + 1)]  # fmt: skip
        doc = parse_file(_one_line_pages(tmp_path / f"zebra{count}.pdf", lines))
        assert [(b.page, b.text) for b in doc.blocks] == list(enumerate(lines, start=1))


def test_running_footer_with_body_text_is_still_removed(tmp_path: Path) -> None:
    pages = [f"Body text of page {n} about the harbour." for n in range(1, 6)]
    doc = parse_file(
        corpus.make_pdf(tmp_path / "report.pdf", pages, footer="Acme Annual Report — page {n}")
    )
    assert [b.text for b in doc.blocks] == pages


def test_short_pdf_keeps_its_footer(tmp_path: Path) -> None:
    # Three pages are too little evidence: the footer stays rather than risk body text.
    pages = ["First.", "Second.", "Third."]
    doc = parse_file(corpus.make_pdf(tmp_path / "short.pdf", pages, footer="Note {n}"))
    assert [b.text for b in doc.blocks] == ["First.", "Note 1", "Second.", "Note 2", "Third.",
                                            "Note 3"]  # fmt: skip


def test_a_footer_or_folio_right_after_a_short_pages_text_is_removed(tmp_path: Path) -> None:
    # Apple's 10-Q footer ("Apple Inc. | Q3 2022 Form 10-Q | 1") follows each page's last
    # line, half-way down the page, outside the margins; NVIDIA's folio does the same.
    bodies = [f"Net sales of the harbour segment grew in quarter {n}." for n in range(1, 6)]
    for name, footer in (("apple", "Acme Inc. | Q3 2022 Form 10-Q | {n}"), ("nvidia", "{n}")):
        doc = pymupdf.open()
        for n, body in enumerate(bodies, start=1):
            page = doc.new_page(width=595, height=842)
            page.insert_text((300, 40), "Acme", fontsize=9)
            page.insert_text((72, 75), "2022", fontsize=11)  # a column header: stays
            page.insert_text((72, 300), body, fontsize=11)
            page.insert_text((72, 400), footer.format(n=n + 10), fontsize=9)
        doc.save(tmp_path / f"{name}.pdf")
        doc.close()
        blocks = parse_file(tmp_path / f"{name}.pdf").blocks
        assert [b.text for b in blocks] == [t for body in bodies for t in ("2022", body)], name
