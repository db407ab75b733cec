"""DOCX: the body in document order: headings (from styles), paragraphs, lists and tables.

Headers, footers, footnotes and text boxes are left out: they are page furniture or asides
that would interrupt the body's flow in the chunker.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sourcewise.core.ingest.document import Block, BlockKind, ParsedDocument
from sourcewise.core.ingest.parsers._common import clean, converting_errors, split_long
from sourcewise.core.ingest.parsers._tables import table_blocks
from sourcewise.core.ingest.parsers.ooxml import check_container

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)
_STYLE_DEPTH = 4  # how far up a custom style's base styles to look for "Heading N"
# A paragraph straight before a table that names it ("Table 3: Revenue") is its caption.
_CAPTION_TEXT = re.compile(r"^(table|tab\.)\s*[\dIVX]+\b", re.I)
_CAPTION_MAX_CHARS = 200


def parse(path: Path) -> ParsedDocument:
    import docx  # lazy: the registry imports parsers only when a file needs one

    check_container(path, "DOCX")
    with converting_errors("DOCX"):
        document = docx.Document(str(path))
        blocks = _body_blocks(document)
        props = document.core_properties
        title, author = (props.title or "").strip(), (props.author or "").strip()
    if not title:
        title = next((b.text for b in blocks if b.kind == "heading"), "")
    return ParsedDocument(
        blocks=blocks, file_type="docx", title=title or None, author=author or None
    )


def _body_blocks(document: Document) -> list[Block]:
    from docx.table import Table

    blocks: list[Block] = []
    items: list[str] = []  # consecutive list paragraphs, emitted as one "list" block

    def flush_list() -> None:
        if items:
            blocks.extend(Block(t, kind="list") for t in split_long("\n".join(items)))
            items.clear()

    caption: str | None = None  # the last paragraph, while it may still caption a table
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            flush_list()
            if caption is not None:
                blocks.pop()  # it becomes part of the table block
            blocks.extend(table_blocks(*_table_rows(item), caption=caption))
            caption = None
            continue
        text = item.text.strip()
        if not text:
            continue  # an empty paragraph between a caption and its table is common
        caption = None
        kind, level = _classify(item)
        if kind == "list":
            items.append(f"- {text}")
            continue
        flush_list()
        blocks.extend(Block(t, kind=kind, level=level) for t in split_long(text))
        if kind == "paragraph" and _is_caption(item, text):
            caption = text
    flush_list()
    return blocks


def _is_caption(paragraph: Paragraph, text: str) -> bool:
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    short = len(text) <= _CAPTION_MAX_CHARS
    return short and (style.strip().lower() == "caption" or bool(_CAPTION_TEXT.match(text)))


def _classify(paragraph: Paragraph) -> tuple[BlockKind, int]:
    style = paragraph.style
    for _ in range(_STYLE_DEPTH):
        if style is None:
            break
        name = (style.name or "").strip()
        if name.lower() == "title":
            return "heading", 1
        if match := _HEADING_STYLE.match(name):
            return "heading", min(max(int(match.group(1)), 1), 6)
        if name.lower().startswith("list"):
            return "list", 0
        style = style.base_style
    # Numbered/bulleted paragraphs in "Normal" style carry numbering properties instead.
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return "list", 0
    return "paragraph", 0


def _table_rows(table: Table) -> tuple[list[str], list[list[str]]]:
    """Header (the first row) and body rows, each cell's text on one line."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; keep it once.
            if cell._tc is not previous:
                cells.append(clean(cell.text))
            previous = cell._tc
        if any(cells):
            rows.append(cells)
    return (rows[0], rows[1:]) if rows else ([], [])
