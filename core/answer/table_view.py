"""How a passage's table is read: its header cells or, for a PDF statement whose column labels
are text above it, the period of each column; its scale; each row's figures by column.

The evidence step shows rows so (`evidence._render`), and the ratio step reads their figures
(`ratios`): both must read a row under the same columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sourcewise.core.answer import line_items, tables
from sourcewise.core.text.scale import scale_of
from sourcewise.core.types import SearchHit

_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_LABEL_LINE_CHARS = 60  # a column label's line is short; a caption's sentence is not
_LABELS_CHARS = 300  # how far above a header-less table its column labels are looked for


@dataclass(frozen=True)
class TableView:
    """How a table's rows are shown: its header cells (None when its first row is data), its
    scale, and a header-less statement's period columns."""

    header: list[str | None] | None
    scale: str
    columns: list[str | None]
    labels: str = ""  # the column labels above a header-less table, as the page sets them


def first_row(passage: str, header: tuple[int, int]) -> str:
    return passage[header[0] : header[1]].split("\n", maxsplit=1)[0]


def header_cells(passage: str, header: tuple[int, int]) -> list[str] | None:
    """A table's column names, or None when its first row is data (a PDF statement's)."""
    head = tables.cells(first_row(passage, header))
    return head if tables.is_header(head) else None


def view(question: str, hit: SearchHit, header: tuple[int, int]) -> TableView:
    """How the rows of the table whose header is at ``header`` read, for ``question`` (the
    columns of other periods than it asks about hidden)."""
    passage = hit.text
    before = passage[max(0, header[0] - _LABELS_CHARS) : header[0]]
    scale = scale_of(f"{hit.heading}\n{before}\n{first_row(passage, header)}")
    names = header_cells(passage, header)
    if names is not None:  # periods are chosen in a statement (it states its scale) only
        named: list[str | None] = tables.asked_periods(question, names) if scale else [*names]
        return TableView(named, scale, [])
    labels = column_labels(before)
    columns = tables.asked_periods(question, tables.period_columns(labels))
    return TableView(None, scale, columns, labels)


def table_start(
    question: str, hit: SearchHit, header: tuple[int, int], parts: list[str]
) -> TableView:
    """How the table's rows are shown; a header-less table's first row, and the column labels
    above it (when they are not read into each row), are added to ``parts``."""
    shown = view(question, hit, header)
    if shown.header is not None:
        return shown
    row = tables.cells(first_row(hit.text, header))
    if shown.labels and not tables.reads_under(row, shown.columns):
        parts.append(("\n" if parts else "") + "Columns: " + " ".join(shown.labels.split()))
    parts.append("\n" + tables.row_text(None, row, shown.scale, shown.columns))
    return shown


def column_labels(before: str) -> str:
    """The column labels above a table: the last paragraph, and the short ones before it that
    are not sentences (PyMuPDF sets each line of "July 1, / 2023" apart in Apple's MD&A)."""
    kept: list[str] = []
    for raw in reversed(before.split("\n\n")):
        para = raw.strip()
        if not para:  # the blank line a Markdown or DOCX table stands after
            continue
        if _TABLE_ROW.match(para.splitlines()[-1]):
            break  # the table before this one
        if kept and (len(para) > _LABEL_LINE_CHARS or para.endswith((".", ":"))):
            break
        kept.append(para)
    return "\n".join(reversed(kept))


def row_figures(shown: TableView, cells: list[str], table: tuple[int, int, int]) -> line_items.Row:
    """One row's label and figures by column, as :func:`tables.row_text` shows them."""
    label, values = tables.labelled_values(shown.header, cells, shown.columns)
    return line_items.Row(label, values, shown.scale, table)
