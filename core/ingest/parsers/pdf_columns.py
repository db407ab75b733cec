"""Unruled PDF tables: runs of text rows whose figures line up in columns.

Financial statements often draw no grid ("Purchases of property and equipment   68   210"):
MuPDF reads such a row as one line and the column headers ("FY2021 FY2020") as another, so the
figures lose their headers. Here words are grouped into visual rows, rows are cut into cells at
gaps wider than a space could be, and a run of at least :data:`_MIN_FIGURE_ROWS` rows with
figures beside a label, whose figure cells fall into the same columns, is a table. Short rows
directly above it with cells over those columns are its header; label-only rows inside it
("Current assets:") stay as rows.

Conservative on purpose: prose has no gaps that wide, two-column pages have long cells on
the right, and a run whose cells do not fall into consistent columns is left as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Box = tuple[float, float, float, float]

_GAP = 0.8  # a gap wider than this many line heights separates cells (a space is ~0.25)
_ROW_GAP = 2.5  # a row further below the previous one than this many line heights ends a table
_MIN_FIGURE_ROWS = 3
_FIGURE_CELL_CHARS = 25  # cells right of the label are short (figures, "n/a", "—")
_HEADER_CELL_CHARS = 40
_LABEL_CHARS = 90
_HEADER_LINES = 2
_WIDE_SPACE = re.compile(r"\S\s{3,}\S+$")  # "Cash      500": a gap typed as spaces
_YEAR = re.compile(r"(FY\s?|Q[1-4]\s)?(19|20)\d\d")
_PERIOD_LABEL = re.compile(r"\b(?:19|20)\d\d\b|\b(?:ended|months?|weeks?|quarters?)\b", re.I)
_FIGURE = re.compile(r"^[(\-–—+]?[$€£¥]?\s?\d[\d,.' ]*%?\)?[*†]?$|^[-–—]$|^n/?a$", re.I)


@dataclass(frozen=True)
class _Cell:
    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class _Row:
    cells: list[_Cell]
    box: Box

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def figures(self) -> int:
        """Figure cells right of the label, when every cell there is short; column headers
        that are bare years ("2021  2020") are not figures."""
        rest = self.cells[1:] if not _FIGURE.match(self.cells[0].text) else self.cells
        if any(len(c.text) > _FIGURE_CELL_CHARS for c in rest):
            return 0
        if rest and all(_YEAR.fullmatch(c.text) for c in rest):
            return 0
        return sum(1 for c in rest if _FIGURE.match(c.text))


@dataclass(frozen=True)
class AlignedTable:
    header: list[str]
    rows: list[list[str]]
    bbox: Box


def may_hold_table(lines: Sequence[dict[str, Any]]) -> bool:
    """Cheap test on a page's text lines (PyMuPDF "dict" lines): do enough of them end in a
    figure set apart from the rest of the line, or hold nothing but one? Finding words and
    rows costs about as much as the page's text extraction, so prose pages skip it."""
    return sum(1 for line in lines if _figure_apart(line)) >= _MIN_FIGURE_ROWS


def _figure_apart(line: dict[str, Any]) -> bool:
    spans = [s for s in line.get("spans", []) if s["text"].strip()]
    if not spans:
        return False
    text = "".join(s["text"] for s in spans).strip()
    last = spans[-1]["text"].strip().rsplit(None, 1)[-1]
    if not _FIGURE.match(last):
        return False
    if text == last or _WIDE_SPACE.search(text):
        return True
    height = line["bbox"][3] - line["bbox"][1]
    return len(spans) > 1 and spans[-1]["bbox"][0] - spans[-2]["bbox"][2] > _GAP * height


def aligned_tables(words: Sequence[Sequence[Any]]) -> list[AlignedTable]:
    """Tables among ``words`` (PyMuPDF ``get_text("words")`` tuples)."""
    rows = _rows(words)
    tables: list[AlignedTable] = []
    i = 0
    while i < len(rows):
        end = _run_end(rows, i) if rows[i].figures else i
        body = rows[i:end]
        while body and not body[-1].figures:
            body.pop()  # trailing label-only rows are the text after the table
        enough = sum(1 for r in body if r.figures) >= _MIN_FIGURE_ROWS
        table = _table(rows, i, body) if enough else None
        if table is not None:
            tables.append(table)
            i += len(body)
        else:
            i += 1
    return tables


def _rows(words: Sequence[Sequence[Any]]) -> list[_Row]:
    """Words grouped into visual rows (lines at the same height), top to bottom."""
    lines: dict[tuple[int, int], list[Sequence[Any]]] = {}
    for w in words:
        lines.setdefault((int(w[5]), int(w[6])), []).append(w)
    boxes = sorted(lines.values(), key=_middle)
    rows: list[list[Sequence[Any]]] = []
    for line in boxes:
        if rows and abs(_middle(line) - _middle(rows[-1])) < _height(rows[-1]) / 2:
            rows[-1].extend(line)
        else:
            rows.append(list(line))
    return [_row(sorted(ws, key=lambda w: float(w[0]))) for ws in rows]


def _row(words: list[Sequence[Any]]) -> _Row:
    height = _height(words)
    cells: list[list[Sequence[Any]]] = [[words[0]]]
    for w in words[1:]:
        if float(w[0]) - float(cells[-1][-1][2]) > _GAP * height:
            cells.append([w])
        else:
            cells[-1].append(w)
    box = (min(float(w[0]) for w in words), min(float(w[1]) for w in words),
           max(float(w[2]) for w in words), max(float(w[3]) for w in words))  # fmt: skip
    return _Row([_Cell(" ".join(str(w[4]) for w in c), float(c[0][0]), float(c[-1][2]))
                 for c in cells], box)  # fmt: skip


def _middle(words: Sequence[Sequence[Any]]) -> float:
    return sum((float(w[1]) + float(w[3])) / 2 for w in words) / len(words)


def _height(words: Sequence[Sequence[Any]]) -> float:
    return max(float(w[3]) - float(w[1]) for w in words)


def _run_end(rows: list[_Row], start: int) -> int:
    """End (exclusive) of the run of figure rows and short label rows from ``start``."""
    left = rows[start].box[0]
    end = start + 1
    while end < len(rows):
        row, prev = rows[end], rows[end - 1]
        if row.box[1] - prev.box[3] > _ROW_GAP * prev.height:
            break
        label = len(row.cells) == 1 and len(row.cells[0].text) <= _LABEL_CHARS
        if not row.figures and not (label and abs(row.box[0] - left) < 2 * row.height):
            break
        end += 1
    return end


def _table(rows: list[_Row], start: int, body: list[_Row]) -> AlignedTable | None:
    columns = _columns([r for r in body if r.figures])
    if columns is None or len(columns) < 2:
        return None
    grid = [_place(r, columns) for r in body]
    if any(g is None for g in grid):
        return None
    head_rows = _header_rows(rows, start, columns)
    header = [""] * len(columns)
    for n, row in enumerate(head_rows):
        lower = head_rows[n + 1] if n + 1 < len(head_rows) else None
        for cell in row.cells:
            under = _wrapped(cell, lower)
            if lower is None or under is not None:  # the last line, or a cell's first line
                cols = _spanned(under or cell, columns)
            else:
                cols = _shared(cell, row, columns)
            for col in cols:
                header[col] = f"{header[col]} {cell.text}".strip()
    boxes = [r.box for r in [*head_rows, *body]]
    bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip
    return AlignedTable(header, _joined([g for g in grid if g is not None]), bbox)


def _joined(grid: list[list[str]]) -> list[list[str]]:
    """A label wrapped over two lines ("Purchases of property and" / "equipment  68  210") is
    one row: a label-only row runs on into the next when that one's label starts lower-case."""
    out: list[list[str]] = []
    for row in grid:
        prev = out[-1] if out else None
        if prev and not any(prev[1:]) and row[0][:1].islower():
            out[-1] = [f"{prev[0]} {row[0]}", *row[1:]]
        else:
            out.append(row)
    return out


def _columns(rows: list[_Row]) -> list[tuple[float, float]] | None:
    """Column extents: cells of figure rows merged where they overlap horizontally; None when
    one row has two cells in one column (the run does not line up)."""
    spans = sorted((c.x0, c.x1) for r in rows for c in r.cells)
    columns: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1] = (columns[-1][0], max(columns[-1][1], x1))
        else:
            columns.append((x0, x1))
    for r in rows:
        hits = [_column_of(c, columns) for c in r.cells]
        if len(set(hits)) < len(hits):
            return None
    return columns


def _column_of(cell: _Cell, columns: list[tuple[float, float]]) -> int:
    middle = (cell.x0 + cell.x1) / 2
    return min(range(len(columns)), key=lambda i: _distance(middle, columns[i]))


def _distance(x: float, column: tuple[float, float]) -> float:
    return 0.0 if column[0] <= x <= column[1] else min(abs(x - column[0]), abs(x - column[1]))


def _place(row: _Row, columns: list[tuple[float, float]]) -> list[str] | None:
    out = [""] * len(columns)
    for cell in row.cells:
        col = _column_of(cell, columns)
        if out[col]:
            return None
        out[col] = cell.text
    return out


def _header_rows(rows: list[_Row], start: int, columns: list[tuple[float, float]]) -> list[_Row]:
    """Up to :data:`_HEADER_LINES` short rows right above the table with a cell over a figure
    column ("FY2021  FY2020", "Year ended December 31")."""
    found: list[_Row] = []
    below = rows[start]
    for row in reversed(rows[max(0, start - _HEADER_LINES) : start]):
        close = below.box[1] - row.box[3] <= _ROW_GAP * row.height
        short = all(len(c.text) <= _HEADER_CELL_CHARS for c in row.cells)
        spans = [_spanned(c, columns) for c in row.cells]
        over = any(col > 0 for cols in spans for col in cols)
        # A line running from the label column over the figures is a caption, not a header.
        caption = any(0 in cols and len(cols) > 1 for cols in spans)
        if not (close and short and over) or caption or row.figures:
            break
        found.insert(0, row)
        below = row
    return found


def _shared(cell: _Cell, row: _Row, columns: list[tuple[float, float]]) -> list[int]:
    """Columns an upper header line's cell names: the figure columns nearer to it than to the
    line's other cells. A centred "Year ended December 31" rarely reaches the outer columns."""
    if _column_of(cell, columns) == 0:
        return [0]
    middles = [(c.x0 + c.x1) / 2 for c in row.cells if _column_of(c, columns) > 0]
    mine = (cell.x0 + cell.x1) / 2
    out = []
    for i in range(1, len(columns)):
        centre = sum(columns[i]) / 2
        if min(middles, key=lambda m: abs(m - centre)) == mine:
            out.append(i)
    return out


def _wrapped(cell: _Cell, lower: _Row | None) -> _Cell | None:
    """The cell of the next header line that ``cell`` is the first line of: the one under
    its middle, about as wide. "% of Net" over "Revenue" names that column alone, where
    shared out like a period over its dates it named Intel's "Amount" columns too ("% of Net
    Amount: 6,018"). A period or date ("Three Months Ended", "September 30, 2022") is shared
    out over the columns it heads, however wide."""
    if _PERIOD_LABEL.search(cell.text):  # "September 30, 2022" over three columns: shared
        return None
    middle = (cell.x0 + cell.x1) / 2
    for below in lower.cells if lower is not None else []:
        if below.x0 <= middle <= below.x1 and cell.x1 - cell.x0 <= 1.5 * (below.x1 - below.x0):
            return below
    return None


def _spanned(cell: _Cell, columns: list[tuple[float, float]]) -> list[int]:
    """Columns a header cell covers: those it overlaps, else the nearest one."""
    over = [i for i, (x0, x1) in enumerate(columns) if cell.x0 < x1 and cell.x1 > x0]
    return over or [_column_of(cell, columns)]
