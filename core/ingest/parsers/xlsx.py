"""XLSX: each worksheet is a page (its name a heading) holding one table (``table`` blocks)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import Any

from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.ingest.parsers._common import (
    converting_errors,
    format_value,
    looks_like_header,
    make_header,
)
from sourcewise.core.ingest.parsers._tables import table_blocks
from sourcewise.core.ingest.parsers.ooxml import check_container


def parse(path: Path) -> ParsedDocument:
    import openpyxl  # lazy: the registry imports parsers only when a file needs one

    check_container(path, "XLSX")
    ext = path.suffix.lower().lstrip(".") or "xlsx"
    with converting_errors("XLSX"):
        # read_only streams rows instead of building every cell object; data_only gives the
        # cached values of formulas, which is what a reader sees.
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            blocks: list[Block] = []
            sheets = book.worksheets
            for number, sheet in enumerate(sheets, start=1):
                blocks += _sheet_blocks(sheet.title, number, sheet.iter_rows(values_only=True))
            props = book.properties
            title, author = _prop(props.title), _prop(props.creator)
        finally:
            book.close()
    return ParsedDocument(
        blocks=blocks, file_type=ext, title=title, author=author, page_count=len(sheets)
    )


def _prop(value: object) -> str | None:
    return format_value(value) or None


def _sheet_blocks(name: str, page: int, rows: Iterable[tuple[Any, ...]]) -> list[Block]:
    filled = (trimmed for trimmed in map(_trim, rows) if trimmed)  # streamed, not listed
    first = next(filled, None)
    if first is None:
        return []
    second = next(filled, None)
    has_header = looks_like_header(first) and second is not None
    header = make_header(first if has_header else (), len(first))
    body = chain(() if has_header else (first,), () if second is None else (second,), filled)
    values = [[format_value(v) for v in row] for row in body]
    heading = Block(name, kind="heading", level=1, page=page, page_label=name)
    return [heading, *table_blocks(header, values, page=page, page_label=name)]


def _trim(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop trailing empty cells; an all-empty row becomes ``()``."""
    end = len(row)
    while end and not format_value(row[end - 1]):
        end -= 1
    return row[:end]
