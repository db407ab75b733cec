"""Ruled PDF tables read from their rules: the lines a table draws make its grid.

PyMuPDF's ``find_tables()`` finds the same grids, but its header search builds a text page of
the whole page once per header cell when any text sits above the table (a caption nearly
always does): 0.1-0.5 s per table page, measured on the look-alike reports, against ~1 ms
here. Cells come from the rules' positions; a row where an inner vertical rule is missing has
merged cells there (``None`` to the right, as ``find_tables`` reports them).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

Box = tuple[float, float, float, float]
Segment = tuple[str, float, float, float]  # ("h", y, x0, x1) or ("v", x, y0, y1)

_SNAP = 1.5  # rules closer than this (points) are one rule
_STROKE_MAX = 3.0  # a filled rectangle this thin (points) is drawn as a rule


def segments(item: tuple[Any, ...]) -> list[Segment]:
    """The horizontal and vertical rules one PyMuPDF drawing item draws."""
    if item[0] == "l":
        p, q = item[1], item[2]
        if abs(p.y - q.y) < 1 <= abs(p.x - q.x):
            return [("h", (p.y + q.y) / 2, min(p.x, q.x), max(p.x, q.x))]
        if abs(p.x - q.x) < 1 <= abs(p.y - q.y):
            return [("v", (p.x + q.x) / 2, min(p.y, q.y), max(p.y, q.y))]
        return []
    if item[0] == "re":
        r = item[1]
        if r.height <= _STROKE_MAX < r.width:
            return [("h", (r.y0 + r.y1) / 2, r.x0, r.x1)]
        if r.width <= _STROKE_MAX < r.height:
            return [("v", (r.x0 + r.x1) / 2, r.y0, r.y1)]
        if r.width > _STROKE_MAX and r.height > _STROKE_MAX:  # a box: its four edges
            return [("h", r.y0, r.x0, r.x1), ("h", r.y1, r.x0, r.x1),
                    ("v", r.x0, r.y0, r.y1), ("v", r.x1, r.y0, r.y1)]  # fmt: skip
    return []


def lattice(
    rules: Sequence[Segment], words: Sequence[Sequence[Any]]
) -> tuple[list[list[str | None]], Box] | None:
    """The grid of cell texts the rules draw around ``words`` (PyMuPDF "words" tuples), and
    its box; None when the rules make fewer than two rows or two columns."""
    ys = _snap(sorted(s[1] for s in rules if s[0] == "h"))
    xs = _snap(sorted(s[1] for s in rules if s[0] == "v"))
    if len(ys) < 3 or len(xs) < 3:
        return None
    box = (xs[0], ys[0], xs[-1], ys[-1])
    cells: list[list[list[Sequence[Any]]]] = [[[] for _ in xs[1:]] for _ in ys[1:]]
    for w in words:
        x, y = (float(w[0]) + float(w[2])) / 2, (float(w[1]) + float(w[3])) / 2
        if box[0] < x < box[2] and box[1] < y < box[3]:
            cells[bisect.bisect(ys, y) - 1][bisect.bisect(xs, x) - 1].append(w)
    # Each column edge's own vertical rules, found once (not scanned again for every cell).
    spans = {c: [(s[2], s[3]) for s in rules if s[0] == "v" and abs(s[1] - x) <= _SNAP]
             for c, x in enumerate(xs)}  # fmt: skip
    grid: list[list[str | None]] = []
    for r, row in enumerate(cells):
        middle = (ys[r] + ys[r + 1]) / 2
        out: list[str | None] = []
        for c, found in enumerate(row):
            text = _text(found)
            if c and not _ruled(spans[c], middle):  # merged into the cell on its left
                left = next(i for i in range(c - 1, -1, -1) if out[i] is not None)
                out[left] = f"{out[left]} {text}".strip()
                out.append(None)
            else:
                out.append(text)
        grid.append(out)
    return grid, box


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _ruled(spans: Sequence[tuple[float, float]], y: float) -> bool:
    """Whether a vertical rule of this column edge crosses height ``y``."""
    return any(y0 - _SNAP <= y <= y1 + _SNAP for y0, y1 in spans)


def _text(words: list[Sequence[Any]]) -> str:
    ordered = sorted(words, key=lambda w: (int(w[5]), int(w[6]), float(w[0])))
    return " ".join(str(w[4]) for w in ordered)
