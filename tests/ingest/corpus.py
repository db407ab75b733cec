"""Fixture files for parser tests, generated with the format libraries themselves.

Plain functions so that other tests (the hostile-corpus indexing test) can build the same
files: each ``make_*`` writes one file at ``path`` and returns ``path``.
:func:`make_hostile_corpus` writes one of everything and says what each should produce.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pymupdf

# Page label ranges as PyMuPDF's Document.set_page_labels takes them.
ROMAN_THEN_ARABIC = [
    {"startpage": 0, "prefix": "", "style": "r", "firstpagenum": 1},
    {"startpage": 2, "prefix": "", "style": "D", "firstpagenum": 1},
]


def make_pdf(
    path: Path,
    pages: Sequence[str],
    *,
    labels: list[dict[str, object]] | None = None,
    title: str | None = None,
    author: str | None = None,
    headings: Sequence[str | None] | None = None,
    footer: str | None = None,
) -> Path:
    """One page per entry of ``pages``; blank lines in an entry separate paragraphs.

    ``headings`` puts a 24 pt line above a page's 11 pt body; ``footer`` (may contain ``{n}``
    for the page number) is stamped at the bottom of every page.
    """
    doc = pymupdf.open()
    for index, text in enumerate(pages):
        page = doc.new_page(width=595, height=842)
        y = 72.0
        heading = headings[index] if headings and index < len(headings) else None
        if heading:
            page.insert_text((72, y + 24), heading, fontsize=24, fontname="helv")
            y += 60
        for paragraph in (p for p in text.split("\n\n") if p.strip()):
            rect = pymupdf.Rect(72, y, 523, y + 200)
            left = page.insert_textbox(rect, paragraph.strip(), fontsize=11, fontname="helv")
            y += 200 - left + 24  # textbox returns the unused height
        if footer:
            page.insert_text((72, 820), footer.format(n=index + 1), fontsize=9, fontname="helv")
    if labels:
        doc.set_page_labels(labels)
    doc.set_metadata({"title": title or "", "author": author or ""})
    doc.save(path)
    doc.close()
    return path


def _text_image_png(text: str, *, fontsize: int = 36, dpi: int = 150) -> bytes:
    """A PNG of ``text`` in large print, as a scanner would produce it."""
    src = pymupdf.open()
    page = src.new_page(width=595, height=842)
    page.insert_textbox(pymupdf.Rect(50, 80, 545, 800), text, fontsize=fontsize, fontname="helv")
    png: bytes = page.get_pixmap(dpi=dpi).tobytes("png")
    src.close()
    return png


def _add_image_page(doc: pymupdf.Document, png: bytes) -> None:
    page = doc.new_page(width=595, height=842)
    page.insert_image(page.rect, stream=png)


def make_scanned_pdf(path: Path, text: str = "Invoice number 4711\nTotal due 250 EUR") -> Path:
    """A PDF whose only page is an image of ``text``: no text layer at all."""
    doc = pymupdf.open()
    _add_image_page(doc, _text_image_png(text))
    doc.save(path)
    doc.close()
    return path


def make_mixed_pdf(
    path: Path,
    text_page: str = "This page has a real text layer.",
    scanned_text: str = "Scanned receipt for coffee",
) -> Path:
    """Page 1 has a text layer; page 2 is only an image of ``scanned_text``."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_textbox(pymupdf.Rect(72, 72, 523, 300), text_page, fontsize=11, fontname="helv")
    _add_image_page(doc, _text_image_png(scanned_text))
    doc.save(path)
    doc.close()
    return path


def make_encrypted_pdf(
    path: Path, text: str = "Top secret plans", password: str = "s3cret"
) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text, fontsize=11)
    doc.save(
        path,
        encryption=pymupdf.PDF_ENCRYPT_AES_256,
        user_pw=password,
        owner_pw=password + "-owner",
    )
    doc.close()
    return path


def make_truncated(path: Path, source: Path, keep: float = 0.3) -> Path:
    """The first ``keep`` fraction of ``source``'s bytes, as a download cut short."""
    data = source.read_bytes()
    path.write_bytes(data[: max(1, int(len(data) * keep))])
    return path


def make_docx(path: Path, *, title: str = "Engine Notes", author: str = "Ada Lovelace") -> Path:
    """Title, headings, paragraphs, a bullet list and a table, in that interleaved order."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = author
    document.add_heading(title, level=0)
    document.add_heading("Introduction", level=1)
    document.add_paragraph("The Analytical Engine weaves algebraic patterns.")
    document.add_paragraph("Punched cards", style="List Bullet")
    document.add_paragraph("A store of numbers", style="List Bullet")
    document.add_heading("Figures", level=2)
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate([("Name", "Year"), ("Ada", "1843"), ("Charles", "1837")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Text after the table.")
    document.save(str(path))
    return path


def make_pptx(path: Path, *, title: str = "Quarterly Review") -> Path:
    """Two slides: a title-and-content slide with notes, then one with a table."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.core_properties.title = title
    first = deck.slides.add_slide(deck.slide_layouts[1])
    first.shapes.title.text = "Revenue grew"
    first.placeholders[1].text_frame.text = "Sales up 12 percent\nCosts flat"
    first.notes_slide.notes_text_frame.text = "Mention the new office."
    second = deck.slides.add_slide(deck.slide_layouts[5])
    second.shapes.title.text = "Regional numbers"
    shape = second.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1))
    for r, row in enumerate([("Region", "Sales"), ("North", "120")]):
        for c, value in enumerate(row):
            shape.table.cell(r, c).text = value
    deck.save(str(path))
    return path


def make_xlsx(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]] | None = None) -> Path:
    from openpyxl import Workbook

    sheets = sheets or {
        "People": [("Name", "Year"), ("Ada", 1843), ("Charles", 1837.0)],
        "Empty": [],
        "Notes": [("Remember the cards",)],
    }
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.properties.title = "Workbook title"
    book.properties.creator = "Ada Lovelace"
    book.save(path)
    return path


def make_csv(
    path: Path,
    rows: Sequence[Sequence[str]] = (("Name", "City"), ("Zoë", "Zürich"), ("José", "Málaga")),
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    lines = (delimiter.join(row) for row in rows)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


CHAPTERS = [
    ("Down the Rabbit-Hole", "<h1>Down the Rabbit-Hole</h1><p>Alice was beginning to tire.</p>"),
    ("The Pool of Tears", "<h2>The Pool of Tears</h2><p>Curiouser and curiouser!</p>"),
]


def make_epub(
    path: Path,
    chapters: Sequence[tuple[str, str]] = CHAPTERS,
    *,
    title: str = "Alice",
    author: str = "Lewis Carroll",
) -> Path:
    """One spine document per chapter; the nav document is in the spine too."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("test-book-1")
    book.set_title(title)
    book.set_language("en")
    book.add_author(author)
    items = []
    for number, (name, body) in enumerate(chapters, start=1):
        item = epub.EpubHtml(title=name, file_name=f"chap_{number:02}.xhtml", lang="en")
        item.content = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
        book.add_item(item)
        items.append(item)
    book.toc = [epub.Link(item.file_name, name, f"c{n}") for n, (item, (name, _)) in
                enumerate(zip(items, chapters, strict=True))]  # fmt: skip
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(path), book)
    return path


NOISY_HTML = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>Caf\u00e9 Guide</title>
<style>body {{ color: red }}</style><script>var tracking = "SCRIPTNOISE";</script></head>
<body>
<header><a href="/">Home</a> NAVNOISE banner</header>
<nav><ul><li>Menu item NAVNOISE</li></ul></nav>
<main>
<h1>Best caf\u00e9s</h1>
<p>Our <b>favourite</b> place serves cr\u00e8me br\u00fbl\u00e9e.</p>
<!-- a comment COMMENTNOISE -->
<h2>Opening hours</h2>
<ul><li>Monday to Friday</li><li>Sunday brunch</li></ul>
<table><tr><th>Day</th><th>Hours</th></tr><tr><td>Mon</td><td>8-18</td></tr></table>
<pre>  espresso = 1
  latte = 2</pre>
<div>Loose text in a div</div>
</main>
<aside>ASIDENOISE related links</aside>
<form><input name="q"> FORMNOISE</form>
<footer>FOOTERNOISE copyright</footer>
</body></html>
"""


def make_html(path: Path, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(NOISY_HTML.format(charset=encoding).encode(encoding))
    return path


MARKDOWN = """---
title: "Field Guide"
tags: [birds]
---

Birds of the North
==================

Intro paragraph that runs
over two lines with a [link](https://example.com).

## Waders

- Curlew
- Oystercatcher
  with a long bill

Setext second level
-------------------

| Bird | Length |
|------|-------:|
| Curlew | 55 cm |

```python
def fly():
    return "up"
```

> Quoted wisdom.
"""


def make_markdown(path: Path, text: str = MARKDOWN) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def make_text(path: Path, text: str, encoding: str = "utf-8", *, bom: bool = False) -> Path:
    data = text.encode(encoding)
    if bom and encoding.lower().replace("-", "") == "utf16le":
        data = codecs.BOM_UTF16_LE + data
    path.write_bytes(data)
    return path


def make_binary(path: Path, size: int = 4096) -> Path:
    """Random bytes (with NULs): what a renamed executable or image looks like."""
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + os.urandom(size))
    return path


def make_fake_encrypted_office(path: Path) -> Path:
    """An OLE compound file with an ``EncryptedPackage`` stream name, as Office writes for
    password-protected DOCX/XLSX/PPTX (a minimal imitation; only the markers are real)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    path.write_bytes(header + entry + b"\x00" * 1024)
    return path


def make_hostile_corpus(directory: Path) -> dict[Path, str | None]:
    """One file of each kind; maps each to the ParseError kind expected, None if it parses."""
    d = directory
    d.mkdir(parents=True, exist_ok=True)
    good_pdf = make_pdf(d / "report.pdf", ["Quarterly results are in.", "Page two text."])
    expected: dict[Path, str | None] = {
        good_pdf: None,
        make_encrypted_pdf(d / "locked.pdf"): "encrypted",
        make_truncated(d / "truncated.pdf", good_pdf, keep=0.05): "corrupt",
        make_text(d / "zero.pdf", ""): "empty",
        make_docx(d / "notes.docx"): None,
        make_truncated(d / "damaged.docx", make_docx(d / "whole.docx"), keep=0.5): "corrupt",
        make_fake_encrypted_office(d / "locked.xlsx"): "encrypted",
        make_pptx(d / "deck.pptx"): None,
        make_xlsx(d / "book.xlsx"): None,
        make_csv(d / "people.csv"): None,
        make_html(d / "page.html"): None,
        make_markdown(d / "guide.md"): None,
        make_epub(d / "alice.epub"): None,
        make_text(
            d / "latin1.txt", "Caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade.", "latin-1"
        ): None,
        make_text(d / "utf16.txt", "Gr\u00fc\u00dfe aus K\u00f6ln", "utf-16"): None,
        make_binary(d / "program.txt"): "not_text",
        make_text(d / "blank.txt", "  \n\n \t\n"): "empty",
        make_text(d / "archive.rar", "not really"): "unsupported",
    }
    return expected
