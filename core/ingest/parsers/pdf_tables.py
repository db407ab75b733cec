"""PDF tables: ruled grids read from their rules, unruled ones from aligned text.

Ruled tables (:mod:`pdf_grid`): the page's horizontal and vertical strokes are grouped into runs
one above the other; a run with at least two of each is a grid whose cells hold the words
inside them. The first row is the header. Unruled tables (financial statements with no rules,
or rules under the header only) are found by :mod:`pdf_columns` in the words left over, on
pages whose text has runs of figures at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pymupdf

from sourcewise.core.ingest.parsers import pdf_columns, pdf_grid
from sourcewise.core.ingest.parsers._tables import cell_text

Box = tuple[float, float, float, float]
_MIN_STROKES = 2  # horizontal and vertical rules each, before a grid is worth looking for
_RUN_GAP = 3.0  # rules further apart vertically than this (points) belong to different grids
_MAX_STROKES = 2000  # more rules than this in one run is a chart or a map, not a table
_PAGE_SLACK = 5.0  # points a rule may reach past the page's edge and still be on it
_HEADER_ROWS = 3  # at most this many leading rows merge into the header (spanning cells)


@dataclass(frozen=True)
class PdfTable:
    header: list[str]
    rows: list[list[str]]
    bbox: Box


def page_tables(page: Any, *, unruled: bool = True, textpage: Any = None) -> list[PdfTable]:
    """The page's tables, ruled ones first; no table overlaps another. ``unruled`` False skips
    the search for tables without rules (the page's text holds no run of figures); ``textpage``
    is the page's text already extracted (its words are read from it)."""
    runs = _grid_runs(page)
    if not runs and not unruled:
        return []
    # Ligatures expanded as in the page's text, so "ﬁ" in a cell is searchable as "fi".
    words = (
        page.get_text("words", flags=pymupdf.TEXT_MEDIABOX_CLIP)
        if textpage is None
        else page.get_text("words", textpage=textpage)
    )
    ruled = []
    for run in runs:
        found = pdf_grid.lattice(run, words)
        table = _from_grid(*found) if found is not None else None
        if table is not None:
            ruled.append(table)
    if not unruled:
        return ruled
    rest = [w for w in words if not _inside_any(w[:4], ruled)]
    aligned = [PdfTable(t.header, t.rows, _box(t.bbox)) for t in pdf_columns.aligned_tables(rest)]
    return ruled + aligned


def _grid_runs(page: Any) -> list[list[pdf_grid.Segment]]:
    """The page's rules grouped into runs one above the other, each with enough horizontal
    and vertical rules for a grid (a running head's lone rule is a run of its own)."""
    rect = page.rect
    rules = [seg for path in page.get_drawings() for item in path["items"]
             for seg in pdf_grid.segments(item) if _on_page(seg, rect)]  # fmt: skip
    runs: list[list[pdf_grid.Segment]] = []
    bottom = 0.0
    for seg in sorted(rules, key=_top):
        if runs and _top(seg) <= bottom + _RUN_GAP:
            runs[-1].append(seg)
        else:
            runs.append([seg])
            bottom = _top(seg)
        bottom = max(bottom, seg[1] if seg[0] == "h" else seg[3])
    return [
        run
        for run in runs
        if len(run) <= _MAX_STROKES
        and sum(seg[0] == "h" for seg in run) >= _MIN_STROKES
        and sum(seg[0] == "v" for seg in run) >= _MIN_STROKES
    ]


def _on_page(seg: pdf_grid.Segment, rect: Any) -> bool:
    """Whether a rule lies on the page. A frame drawn far past the page's edges (a clipping
    box 50,000 points tall, seen in real filings) would join every rule into one page-sized
    grid and turn the page's prose into one "table"."""
    x0, x1 = float(rect.x0) - _PAGE_SLACK, float(rect.x1) + _PAGE_SLACK
    y0, y1 = float(rect.y0) - _PAGE_SLACK, float(rect.y1) + _PAGE_SLACK
    if seg[0] == "h":
        return y0 <= seg[1] <= y1 and x0 <= seg[2] and seg[3] <= x1
    return x0 <= seg[1] <= x1 and y0 <= seg[2] and seg[3] <= y1


def _top(seg: pdf_grid.Segment) -> float:
    return seg[1] if seg[0] == "h" else seg[2]


def _from_grid(grid: list[list[str | None]], bbox: Box) -> PdfTable | None:
    """Header and rows of an extracted grid; None for a lone framed box or an empty grid."""
    rows = [row for row in grid if any(cell_text(c) for c in row)]
    width = max((sum(1 for c in row if cell_text(c)) for row in rows), default=0)
    if len(rows) < 2 or width < 2:
        return None
    header = [cell_text(c) for c in _filled(rows[0])]
    used = 1
    # A header cell spanning columns (None to its right) means the next row names them.
    while used < min(_HEADER_ROWS, len(rows) - 1) and None in rows[used - 1]:
        below = [cell_text(c) for c in _filled(rows[used])]
        header = [f"{a} {b}".strip() for a, b in zip(header, below, strict=False)]
        used += 1
    body = [[cell_text(c) for c in row] for row in rows[used:]]
    return PdfTable(header, body, _box(bbox))


def _filled(row: list[str | None]) -> list[str | None]:
    """A merged cell's text repeated into the columns it spans (None cells after it)."""
    out: list[str | None] = []
    for cell in row:
        out.append(out[-1] if cell is None and out else cell)
    return out


def _inside_any(box: tuple[float, ...], tables: list[PdfTable]) -> bool:
    return any(inside(box, t.bbox) for t in tables)


def inside(box: tuple[float, ...], region: Box) -> bool:
    """Whether ``box``'s centre lies in ``region``."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] <= x <= region[2] and region[1] <= y <= region[3]


def _box(values: Any) -> Box:
    x0, y0, x1, y1 = (round(float(v), 2) for v in values)
    return (x0, y0, x1, y1)
