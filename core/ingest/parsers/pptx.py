"""PPTX: each slide is a page; its title a heading, then text, tables and speaker notes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.ingest.parsers._common import clean, converting_errors, split_long
from sourcewise.core.ingest.parsers._tables import table_blocks
from sourcewise.core.ingest.parsers.ooxml import check_container

if TYPE_CHECKING:
    from pptx.slide import Slide


def parse(path: Path) -> ParsedDocument:
    from pptx import Presentation  # lazy: the registry imports parsers only when needed

    check_container(path, "PPTX")
    with converting_errors("PPTX"):
        deck = Presentation(str(path))
        blocks: list[Block] = []
        count = 0
        for count, slide in enumerate(deck.slides, start=1):
            blocks += _slide_blocks(slide, count)
        props = deck.core_properties
        title, author = (props.title or "").strip(), (props.author or "").strip()
    return ParsedDocument(
        blocks=blocks,
        file_type="pptx",
        title=title or None,
        author=author or None,
        page_count=count,
    )


def _slide_blocks(slide: Slide, page: int) -> list[Block]:
    blocks: list[Block] = []
    title_shape = slide.shapes.title
    title_id = title_shape.shape_id if title_shape is not None else None
    if title_shape is not None and (title := clean(title_shape.text_frame.text)):
        blocks.append(Block(title, kind="heading", level=1, page=page))
    for shape in _reading_order(slide.shapes):
        if shape.shape_id != title_id:
            blocks += _shape_blocks(shape, page)
    if slide.has_notes_slide:
        frame = slide.notes_slide.notes_text_frame
        notes = frame.text.strip() if frame is not None else ""
        blocks += [Block(f"Notes: {t}", page=page) for t in split_long(notes) if notes]
    return blocks


def _reading_order(shapes: Iterable[Any]) -> list[Any]:
    """Shapes (group members included) top-to-bottom, then left-to-right.

    The shape tree is in z-order, which has nothing to do with where a reader looks first.
    """
    return sorted(_flatten(shapes), key=lambda s: (s.top or 0, s.left or 0))


def _flatten(shapes: Iterable[Any]) -> Iterator[Any]:
    from pptx.shapes.group import GroupShape

    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _flatten(shape.shapes)
        else:
            yield shape


def _shape_blocks(shape: Any, page: int) -> list[Block]:
    if getattr(shape, "has_table", False):
        rows = _table_rows(shape.table)
        return table_blocks(rows[0], rows[1:], page=page) if rows else []
    if getattr(shape, "has_text_frame", False):
        # Soft line breaks come back as vertical tabs.
        lines = (p.text.replace("\v", "\n").strip() for p in shape.text_frame.paragraphs)
        text = "\n".join(line for line in lines if line)
        return [Block(t, page=page) for t in split_long(text) if text]
    return []


def _table_rows(table: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table.rows:
        cells = [clean(cell.text) for cell in row.cells if not cell.is_spanned]
        if any(cells):
            rows.append(cells)
    return rows
