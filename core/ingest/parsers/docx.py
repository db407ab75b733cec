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
from sourcewise.core.ingest.parsers.ooxml import check_container

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)
_STYLE_DEPTH = 4  # how far up a custom style's base styles to look for "Heading N"


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

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            flush_list()
            text = _table_text(item)
            blocks.extend(Block(t, kind="table") for t in split_long(text) if text)
            continue
        text = item.text.strip()
        if not text:
            continue
        kind, level = _classify(item)
        if kind == "list":
            items.append(f"- {text}")
            continue
        flush_list()
        blocks.extend(Block(t, kind=kind, level=level) for t in split_long(text))
    flush_list()
    return blocks


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


def _table_text(table: Table) -> str:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; keep it once.
            if cell._tc is not previous:
                cells.append(clean(cell.text))
            previous = cell._tc
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)
