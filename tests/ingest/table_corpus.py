"""Table fixtures: financial tables drawn with PyMuPDF (grid-ruled, header-ruled or unruled,
figures right-aligned, prior-year columns) and the same tables as DOCX, HTML, XLSX and CSV.

Shared by the table tests and ``bench/tables.py`` (which measures how many are recovered).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pymupdf

Ruling = Literal["grid", "header", "none"]


@dataclass(frozen=True)
class TableSpec:
    caption: str
    header: list[str]
    rows: list[list[str]]
    over: str = ""  # a line above the figure columns' headers ("Year ended December 31")

    @property
    def full_header(self) -> list[str]:
        """The header as read: the line above joined to each figure column's name."""
        if not self.over:
            return self.header
        return [self.header[0], *(f"{self.over} {h}" for h in self.header[1:])]


CASH_FLOWS = TableSpec(
    "Table 4. Consolidated cash flows (in millions)",
    ["", "FY2021", "FY2020"],
    [
        ["Net income", "1,204", "998"],
        ["Purchases of property and equipment", "(68)", "(210)"],
        ["Dividends paid", "(45)", "(40)"],
        ["Net cash from operating activities", "1,571", "1,302"],
    ],
)

_LABELS = [
    "Revenue", "Cost of sales", "Gross profit", "Selling and marketing", "Research and development",
    "General and administrative", "Operating income", "Interest expense", "Income before taxes",
    "Income tax expense", "Net income", "Depreciation and amortisation", "Capital expenditure",
    "Purchases of property and equipment", "Inventories", "Trade receivables", "Cash and cash equivalents",
    "Total assets", "Long-term debt", "Total equity", "Dividends paid", "Share buybacks",
]  # fmt: skip


def random_spec(rng: random.Random, number: int) -> TableSpec:
    """A table of 3-12 rows with 2-4 figure columns of consecutive (prior) years."""
    year = rng.randint(2012, 2024)
    columns = rng.randint(2, 4)
    style = rng.choice(["FY{y}", "{y}", "Q{q} {y}"])
    quarter = rng.randint(1, 4)
    header = [""] + [style.format(y=year - i, q=quarter) for i in range(columns)]
    labels = rng.sample(_LABELS, rng.randint(3, 12))
    rows = [[label] + [_figure(rng) for _ in range(columns)] for label in labels]
    if rng.random() < 0.4:  # a section label row inside the table
        rows.insert(rng.randint(1, len(rows) - 1), ["Current items:"] + [""] * columns)
    caption = f"Table {number}. {rng.choice(['Income statement', 'Cash flows', 'Balance sheet'])}"
    over = "Year ended December 31" if rng.random() < 0.3 else ""
    return TableSpec(f"{caption} (in millions)", header, rows, over)


def _figure(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return "-"  # base-14 Helvetica has no em dash
    value = f"{rng.randint(1, 99_999):,}"
    return f"({value})" if rng.random() < 0.2 else value


def draw_table(
    page: pymupdf.Page,
    spec: TableSpec,
    top: float,
    *,
    ruling: Ruling,
    fontsize: float = 9,
    label_width: float = 250.0,
) -> float:
    """Caption and table at ``top``; label column left-aligned, figures right-aligned.
    Returns the y below the table."""
    page.insert_text((72, top), spec.caption, fontsize=fontsize + 1, fontname="helv")
    columns = len(spec.header)
    width = (523 - 72 - label_width) / (columns - 1)
    edges = [72.0, 72 + label_width] + [
        72 + label_width + width * (i + 1) for i in range(columns - 1)
    ]
    row_h = fontsize * 2.0
    y = top + fontsize
    if spec.over and ruling != "grid":  # centred over the figure columns
        x = (edges[1] + edges[-1] - pymupdf.get_text_length(spec.over, "helv", fontsize)) / 2
        page.insert_text((x, y + row_h * 0.7), spec.over, fontsize=fontsize, fontname="helv")
        y += row_h
    for r, row in enumerate([spec.header, *spec.rows]):
        for c, text in enumerate(row):
            if c == 0:
                x = edges[0] + 3
            else:
                x = edges[c + 1] - 4 - pymupdf.get_text_length(text, "helv", fontsize)
            page.insert_text((x, y + row_h * 0.7), text, fontsize=fontsize, fontname="helv")
        if ruling == "grid" or (ruling == "header" and r == 0):
            page.draw_line((edges[0], y + row_h), (edges[-1], y + row_h), width=0.5)
        y += row_h
    if ruling == "grid":
        top_rule = top + fontsize
        page.draw_line((edges[0], top_rule), (edges[-1], top_rule), width=0.5)
        for x in edges:
            page.draw_line((x, top_rule), (x, y), width=0.5)
    return y


def make_table_pdf(
    path: Path,
    specs: Sequence[TableSpec],
    *,
    ruling: Ruling,
    prose: str = "",
    label_width: float = 250.0,
) -> Path:
    """One page per table, each with a paragraph of ``prose`` above and below."""
    doc = pymupdf.open()
    for spec in specs:
        page = doc.new_page(width=595, height=842)
        text = prose or "The figures below are taken from the audited accounts of the group."
        page.insert_textbox(pymupdf.Rect(72, 72, 523, 140), text, fontsize=10, fontname="helv")
        bottom = draw_table(page, spec, 170, ruling=ruling, label_width=label_width)
        page.insert_textbox(
            pymupdf.Rect(72, bottom + 30, 523, bottom + 90), "Text after the table.", fontsize=10
        )
    doc.save(path)
    doc.close()
    return path


def make_table_docx(path: Path, spec: TableSpec) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Annual figures", level=1)
    document.add_paragraph(spec.caption, style="Caption")
    table = document.add_table(rows=0, cols=len(spec.header))
    for row in [spec.header, *spec.rows]:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.add_paragraph("Text after the table.")
    document.save(str(path))
    return path


def make_table_html(path: Path, spec: TableSpec) -> Path:
    head = "".join(f"<th>{c}</th>" for c in spec.header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in spec.rows)
    path.write_text(
        f"<html><body><h1>Annual figures</h1><table><caption>{spec.caption}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>After.</p></body></html>",
        encoding="utf-8",
    )
    return path


def make_table_xlsx(path: Path, spec: TableSpec) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Figures"
    header = [name or "Item" for name in spec.header]  # a spreadsheet header names every column
    for row in [header, *spec.rows]:
        sheet.append(row)
    book.save(path)
    return path


def make_table_csv(path: Path, spec: TableSpec) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([name or "Item" for name in spec.header])
        writer.writerows(spec.rows)
    return path
