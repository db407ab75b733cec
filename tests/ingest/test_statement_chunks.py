"""Financial statements as a filing lays them out: the statement's title, its scale and its
period header sit above the figures, and a long statement is cut into several chunks. Every
chunk must still say which statement, which periods and which scale its figures are in."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.ingest.parsers import pdf
from tests.engine.conftest import fake_engine
from tests.ingest.table_corpus import TableSpec, draw_table

LABELS = [f"Line item number {i}" for i in range(1, 31)]
STATEMENT = TableSpec(
    "Three Months Ended September 30,",
    ["", "2023", "2022"],
    [[label, f"{1000 + 7 * i:,}", f"{900 + 5 * i:,}"] for i, label in enumerate(LABELS)],
)


def _statement_pdf(path: Path, *, frame: bool = False) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((150, 60), "CONDENSED CONSOLIDATED STATEMENTS OF CASH FLOWS", fontsize=10)
    page.insert_text((230, 76), "(In millions) (Unaudited)", fontsize=9)
    if frame:  # a clipping frame drawn far past the page, as some filings' generators do
        page.draw_rect(pymupdf.Rect(11, -1650, 583, 53000), width=0.5)
    draw_table(page, STATEMENT, 96, ruling="header")
    doc.save(path)
    return path


@pytest.fixture
def statement_engine(tmp_path: Path) -> Engine:
    eng = fake_engine(tmp_path / "home", chunk_tokens=80, table_chunk_tokens=80, min_chunk_tokens=0)
    eng.library.index([_statement_pdf(tmp_path / "statement.pdf")])
    return eng


def test_every_chunk_of_a_statement_keeps_its_title_scale_periods_and_row_labels(
    statement_engine: Engine,
) -> None:
    chunks = [p for p in statement_engine.library.passages() if p.kind == "table"]
    assert len(chunks) > 1  # the statement was cut into pieces
    for chunk in chunks:
        assert "STATEMENTS OF CASH FLOWS" in chunk.text
        assert "(In millions)" in chunk.text
        assert "2023" in chunk.text and "2022" in chunk.text
        assert "Three Months Ended September 30," in chunk.text
    rows = [line for c in chunks for line in c.text.splitlines() if "Line item number" in line]
    assert {line.split("|")[1].strip() for line in rows} == set(LABELS)


def test_a_frame_drawn_past_the_page_does_not_make_the_page_one_table(tmp_path: Path) -> None:
    doc = pdf.parse(_statement_pdf(tmp_path / "framed.pdf", frame=True))
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 1
    assert "| Line item number 12 | 1,077 | 955 |" in tables[0].text
