"""PDF tables: ruled grids through PyMuPDF's ``find_tables()``, unruled ones from aligned text.

Ruled tables: ``find_tables`` costs ~70 ms on a page of prose (it builds a character map), so it
runs only where the page draws enough horizontal and vertical strokes to make a grid, clipped to
them. Its layout-model path is switched off: it needs the optional ``pymupdf_layout`` package,
and the result must not depend on what else happens to be installed. Its own header guess
takes the caption above a table for the header, so the first row is the header here.

Unruled tables (financial statements with no rules, or rules under the header only) are found
by :mod:`pdf_columns` in the words left over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pymupdf

from sourcewise.core.ingest.parsers import pdf_columns
from sourcewise.core.ingest.parsers._tables import cell_text

_fitz: Any = pymupdf  # only partly annotated; untyped calls would fail --strict

# find_tables prints a one-time advert for pymupdf_layout to stdout; a parser stays silent.
_fitz._recommend_layout = False

Box = tuple[float, float, float, float]
_MIN_STROKES = 2  # horizontal and vertical strokes each, before a grid is worth looking for
_STROKE_MAX = 3.0  # a filled rectangle this thin (points) is drawn as a rule
_HEADER_ROWS = 3  # at most this many leading rows merge into the header (spanning cells)


@dataclass(frozen=True)
class PdfTable:
    header: list[str]
    rows: list[list[str]]
    bbox: Box


def page_tables(page: Any, *, unruled: bool = True) -> list[PdfTable]:
    """The page's tables, ruled ones first; no table overlaps another. ``unruled`` False skips
    the search for tables without rules (the page's text holds no run of figures)."""
    ruled = ruled_tables(page)
    if not unruled:
        return ruled
    # Ligatures expanded as in the page's text, so "ﬁ" in a cell is searchable as "fi".
    found = page.get_text("words", flags=pymupdf.TEXT_MEDIABOX_CLIP)
    words = [w for w in found if not _inside_any(w[:4], ruled)]
    aligned = [PdfTable(t.header, t.rows, _box(t.bbox)) for t in pdf_columns.aligned_tables(words)]
    return ruled + aligned


def ruled_tables(page: Any) -> list[PdfTable]:
    clip = _grid_region(page)
    if clip is None:
        return []
    found = page.find_tables(clip=clip, use_layout=False)
    tables = []
    for tab in found.tables:
        table = _from_grid(tab.extract(), tab.bbox)
        if table is not None:
            tables.append(table)
    return tables


def _grid_region(page: Any) -> Any:
    """The rectangle around the page's strokes when there are enough of them for a grid."""
    horizontal = vertical = 0
    edges: list[tuple[float, float, float, float]] = []
    for path in page.get_drawings():
        for item in path["items"]:
            h, v = _strokes(item)
            if h or v:
                horizontal += h
                vertical += v
                edges.append(tuple(path["rect"]))
    if horizontal < _MIN_STROKES or vertical < _MIN_STROKES:
        return None
    # By hand: a rule's rectangle has no height (or width), and Rect union skips empty ones.
    x0, y0 = min(e[0] for e in edges) - 2, min(e[1] for e in edges) - 2
    x1, y1 = max(e[2] for e in edges) + 2, max(e[3] for e in edges) + 2
    return _fitz.Rect(x0, y0, x1, y1) & page.rect


def _strokes(item: tuple[Any, ...]) -> tuple[int, int]:
    """(horizontal, vertical) rules one drawing item contributes."""
    if item[0] == "l":
        p, q = item[1], item[2]
        return int(abs(p.y - q.y) < 1 <= abs(p.x - q.x)), int(abs(p.x - q.x) < 1 <= abs(p.y - q.y))
    if item[0] == "re":
        rect = item[1]
        if rect.height <= _STROKE_MAX < rect.width:
            return 1, 0
        if rect.width <= _STROKE_MAX < rect.height:
            return 0, 1
        return 2, 2  # a box: both pairs of edges
    return 0, 0


def _from_grid(grid: list[list[str | None]], bbox: Any) -> PdfTable | None:
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
