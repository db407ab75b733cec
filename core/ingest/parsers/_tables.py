"""Tables as Markdown: the one text form every parser gives a ``table`` block.

A table block's text is an optional caption line, then a Markdown pipe table: the header row,
the ``|---|`` line, one line per row. Keeping the header in the text lets the chunker repeat
it in every piece of a split table, so a figure is never read apart from its column names.
"""

from __future__ import annotations

from collections.abc import Sequence

from sourcewise.core.ingest.document import Block
from sourcewise.core.ingest.parsers._common import MAX_BLOCK_CHARS, clean

Box = tuple[float, float, float, float]


def cell_text(value: object) -> str:
    """One cell on one line; a literal ``|`` would end the cell, so it is escaped."""
    return clean("" if value is None else str(value)).replace("|", "\\|")


def table_rows(header: Sequence[object], rows: Sequence[Sequence[object]]) -> list[str]:
    """Markdown lines: header, ``|---|`` line, body rows; empty rows and columns dropped."""
    grid = [[cell_text(v) for v in row] for row in [header, *rows]]
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    keep = [i for i in range(width) if any(row[i] for row in grid)] or [0]
    grid = [[row[i] for i in keep] for row in grid]
    head, body = grid[0], [row for row in grid[1:] if any(row)]
    return [_line(head), _line(["---"] * len(keep)), *(_line(row) for row in body)]


def markdown_table(
    header: Sequence[object], rows: Sequence[Sequence[object]], caption: str | None = None
) -> str:
    lines = table_rows(header, rows)
    return "\n".join([clean(caption), *lines] if caption and clean(caption) else lines)


def table_blocks(
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    *,
    caption: str | None = None,
    page: int | None = None,
    page_label: str | None = None,
    bbox: Box | None = None,
    limit: int = MAX_BLOCK_CHARS,
) -> list[Block]:
    """The table as one block, or several of at most ``limit`` characters when it is huge
    (a 50 MB CSV), each a complete table with the caption and header repeated."""
    lines = table_rows(header, rows)
    prefix = ([clean(caption)] if caption and clean(caption) else []) + lines[:2]
    if len(lines) == 2 and not any(cell_text(c) for c in header):
        return []  # no cell has any text
    blocks: list[Block] = []
    group: list[str] = []
    size = sum(len(line) + 1 for line in prefix)
    for line in lines[2:]:
        if group and size + len(line) + 1 > limit:  # a row longer than the limit stays whole
            blocks.append(_block([*prefix, *group], page, page_label, bbox))
            group, size = [], sum(len(ln) + 1 for ln in prefix)
        group.append(line)
        size += len(line) + 1
    blocks.append(_block([*prefix, *group], page, page_label, bbox))
    return blocks


def _block(lines: list[str], page: int | None, label: str | None, bbox: Box | None) -> Block:
    return Block("\n".join(lines), kind="table", page=page, page_label=label, bbox=bbox)


def _line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
