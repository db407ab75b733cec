"""Look-alike libraries: the same report template for several companies and years.

Three companies x three years, three pages each: a cover naming company and year, the same
boilerplate page in every report, and a table page that does not name the company and repeats
the prior year's column (so each year's figures appear in two reports).
"""

from __future__ import annotations

from pathlib import Path

import pymupdf as fitz
import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.testing import HashEmbedder
from tests.engine.conftest import fake_engine

COMPANIES = ("Acme", "Globex", "Initech")
YEARS = (2018, 2019, 2020)
BOILERPLATE = (
    "Forward-looking statements. This report contains statements about future events that "
    "involve risks and uncertainties; actual results may differ materially from those "
    "expressed or implied. Readers should not place undue reliance on these statements, which "
    "speak only as of the date of this report, and the company undertakes no obligation to "
    "update them except as required by law."
)
NOTE = (
    "The table below summarises cash used in investing activities. Amounts are in millions of "
    "dollars and are unaudited. The prior year is shown for comparison and reflects the "
    "classification adopted in the current year."
)


def _figure(company: str, year: int) -> int:
    return 100 + 37 * COMPANIES.index(company) + 11 * (year - 2017)


def _write_report(folder: Path, company: str, year: int) -> Path:
    path = folder / f"{company.lower()}_{year}_annual_report.pdf"
    doc = fitz.open()
    pages = [
        f"{company} Corporation\nAnnual Report {year}\nFor the fiscal year ended December 31, {year}\n"
        "Letter to shareholders: the year brought steady progress in every segment, and we\n"
        "thank our employees, customers and partners for their continued trust and support.",
        BOILERPLATE,
        f"Cash flow summary (in millions)\n{NOTE}\n"
        f"Item {year} {year - 1}\n"
        f"Capital expenditure {_figure(company, year)} {_figure(company, year - 1)}\n"
        f"Purchases of property and equipment {_figure(company, year) - 9} "
        f"{_figure(company, year - 1) - 9}",
    ]
    for text in pages:
        page = doc.new_page()
        page.insert_textbox(fitz.Rect(72, 72, 540, 720), text, fontsize=11)
    doc.set_metadata({"title": f"{company} Corporation Annual Report {year}"})
    doc.save(path)
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for company in COMPANIES:
        for year in YEARS:
            _write_report(folder, company, year)
    return folder


@pytest.fixture
def indexed(tmp_path: Path, library: Path) -> Engine:
    # Wide hash vectors: few bucket collisions, so dense scores reflect shared words.
    eng = fake_engine(tmp_path / "home", HashEmbedder(dim=1024))
    eng.library.index([library])
    return eng


@pytest.mark.parametrize("company", COMPANIES)
@pytest.mark.parametrize("year", YEARS)
def test_a_query_naming_company_and_year_ranks_that_reports_table_page_first(
    indexed: Engine, company: str, year: int
) -> None:
    hits = indexed.library.search(f"{company} FY{year} capital expenditure", k=5)
    assert Path(hits[0].path).name == f"{company.lower()}_{year}_annual_report.pdf"
    assert hits[0].page == 3


def test_without_the_document_signal_the_company_is_not_found(
    tmp_path: Path, library: Path
) -> None:
    """The table page never names the company: only the card tells the reports apart."""
    eng = fake_engine(tmp_path / "home0", HashEmbedder(dim=1024))
    eng.settings.retrieval.document_weight = 0.0
    eng.library.index([library])
    right = 0
    for company in COMPANIES:
        for year in YEARS:
            hit = eng.library.search(f"{company} FY{year} capital expenditure", k=1)[0]
            right += Path(hit.path).name.startswith(f"{company.lower()}_{year}") and hit.page == 3
    assert right < len(COMPANIES) * len(YEARS)


def test_the_same_boilerplate_page_in_every_report_is_one_hit(indexed: Engine) -> None:
    hits = indexed.library.search("forward-looking statements risks uncertainties", k=5)
    boiler = [h for h in hits if "Forward-looking" in h.text]
    assert len(boiler) == 1


def test_search_hits_carry_the_document_title(indexed: Engine) -> None:
    hit = indexed.library.search("Globex 2019 capital expenditure", k=1)[0]
    assert hit.document_title == "Globex Corporation Annual Report 2019"
