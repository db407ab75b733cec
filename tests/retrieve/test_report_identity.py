"""Report identity from the document itself: a filing's cover names its issuer, its ticker,
its form and its period, whatever the file is called.

Four companies file four quarterly reports each, all under opaque names (``report-7.pdf``):
a 10-Q-like cover, the same boilerplate page in every report, and a statement page that never
names the company.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf as fitz
import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.retrieve.documents import asks_latest
from sourcewise.core.retrieve.instructions import content_query
from sourcewise.core.testing import HashEmbedder
from sourcewise.core.text.issuer import aliases, read_issuer
from tests.engine.conftest import fake_engine

COMPANIES = (
    ("Example Holdings, Inc.", "EXH"),
    ("Globex Corporation", "GBX"),
    ("Initech Company", "INIT"),
    ("American Express Company", "AXP"),
)
QUARTERS = (("March 31, 2023", 1), ("June 30, 2023", 2), ("September 30, 2023", 3),
            ("December 31, 2022", 4))  # fmt: skip
BOILERPLATE = (
    "Forward-looking statements. This quarterly report contains statements about future events "
    "that involve risks and uncertainties; actual results may differ materially. Readers should "
    "not place undue reliance on these statements."
)


def _cover(name: str, ticker: str, ended: str) -> str:
    return (
        "UNITED STATES\nSECURITIES AND EXCHANGE COMMISSION\nWashington, D.C. 20549\nFORM 10-Q\n"
        f"QUARTERLY REPORT PURSUANT TO SECTION 13 OR 15(d)\nFor the quarterly period ended {ended}\n"
        f"{name}\n(Exact name of registrant as specified in its charter)\n"
        "Title of each class\nTrading Symbol(s)\nName of each exchange on which registered\n"
        f"Common Stock\n{ticker}\nThe Nasdaq Stock Market LLC"
    )


def _figure(company: int, quarter: int) -> int:
    return 1000 + 97 * company + 13 * quarter


def _write(folder: Path, number: int, company: int, quarter: int) -> Path:
    name, ticker = COMPANIES[company]
    ended = QUARTERS[quarter][0]
    statement = (
        "CONDENSED CONSOLIDATED STATEMENTS OF CASH FLOWS (In millions)\n"
        "Purchases of property and equipment "
        f"{_figure(company, quarter)} {_figure(company, quarter) - 50}\n"
        "Net cash used in investing activities 2,400 2,100"
    )
    doc = fitz.open()
    for text in (_cover(name, ticker, ended), BOILERPLATE, statement):
        page = doc.new_page()
        page.insert_textbox(fitz.Rect(72, 72, 540, 720), text, fontsize=10)
    path = folder / f"report-{number}.pdf"
    doc.save(path)
    return path


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("opaque-reports")
    number = 0
    for company in range(len(COMPANIES)):
        for quarter in range(len(QUARTERS)):
            number += 1
            _write(folder, number, company, quarter)
    return folder


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, library: Path) -> Engine:
    eng = fake_engine(tmp_path_factory.mktemp("home"), HashEmbedder(dim=1024))
    eng.library.index([library])
    return eng


def _company_of(engine: Engine, path: str) -> str:
    number = int(Path(path).stem.split("-")[1]) - 1
    return COMPANIES[number // len(QUARTERS)][0]


def _quarter_of(path: str) -> int:
    return (int(Path(path).stem.split("-")[1]) - 1) % len(QUARTERS)


@pytest.mark.parametrize("naming", ["Example Holdings", "EXH", "Example Holdings, Inc."])
def test_a_report_named_report_n_is_found_by_its_issuers_name_or_ticker(
    indexed: Engine, naming: str
) -> None:
    hits = indexed.library.search(f"{naming} purchases of property and equipment", k=5)
    assert _company_of(indexed, hits[0].path) == "Example Holdings, Inc."
    assert hits[0].page == 3
    assert all(_company_of(indexed, h.path) == "Example Holdings, Inc." for h in hits[:3])


def test_a_company_is_found_by_the_short_form_people_say(indexed: Engine) -> None:
    hits = indexed.library.search("AmEx purchases of property and equipment", k=3)
    assert _company_of(indexed, hits[0].path) == "American Express Company"


def test_latest_quarter_picks_the_newest_of_four_quarterly_reports(indexed: Engine) -> None:
    for wording in ("latest quarter", "most recent 10-Q"):
        hits = indexed.library.search(
            f"Globex purchases of property and equipment in the {wording}", k=3
        )
        assert _company_of(indexed, hits[0].path) == "Globex Corporation"
        assert QUARTERS[_quarter_of(hits[0].path)][0] == "September 30, 2023", wording


def test_an_instruction_laden_question_finds_what_its_bare_content_finds(
    indexed: Engine,
) -> None:
    bare = "What were Initech's purchases of property and equipment?"
    wrapped = (
        "Answer the following question as if you are an equity research analyst and have lost "
        f"internet connection. {bare} Calculate what was asked by primarily using the cash flow "
        "statement. Round your answer to two decimal places."
    )
    top = indexed.library.search(bare, k=3)
    assert [h.chunk_id for h in indexed.library.search(wrapped, k=3)][:1] == [top[0].chunk_id]
    assert _company_of(indexed, top[0].path) == "Initech Company"


def test_the_cover_names_issuer_ticker_and_form() -> None:
    issuer = read_issuer(_cover("Example Holdings, Inc.", "EXH", "March 31, 2023"))
    assert issuer.names == ("Example Holdings, Inc.",)
    assert issuer.tickers == ("EXH",)
    assert (issuer.form, issuer.kind) == ("10q", "quarterly report")
    release = read_issuer(
        "Example Holdings, Inc. Reports Record Third Quarter Results (NASDAQ: EXH)"
    )
    assert release.tickers == ("EXH",)
    assert release.kind == "earnings release"


def test_aliases_drop_legal_words_and_add_initials() -> None:
    assert "ibm" in aliases("International Business Machines Corporation")
    assert "amex" in aliases("American Express Company")
    assert "exampleholdings" not in aliases("Example Holdings, Inc.")  # "holdings" is legal


def test_content_query_drops_instructions_and_keeps_the_named_statement() -> None:
    q = content_query(
        "Answer the following question as if you are an equity research analyst. What is the "
        "FY2019 capital expenditure (in USD millions) for Example Holdings? Use the cash flow "
        "statement. Round your answer to two decimal places."
    )
    assert "round" not in q.text.lower() and "analyst" not in q.text.lower()
    assert "capital expenditure" in q.text and "Example Holdings" in q.text
    assert q.statement == "statements of cash flows"
    assert content_query("How long are backups kept?").text == "How long are backups kept?"


def test_prose_that_mentions_a_company_in_passing_names_no_issuer() -> None:
    notes = "Minutes of the working group.\nThe company agreed to review the budget."
    assert read_issuer(notes).names == ()
    body = "Intro.\n" + "x " * 1000 + "Supplies were bought from Globex Corporation."
    assert read_issuer(body).names == ()  # named deep in the body, not in the header


@pytest.mark.parametrize(
    ("question", "latest"),
    [
        ("In Amazon's latest 10-Q, how does the revenue distribution across its business "
         "segments compare to their costs?", True),  # across segments: one report
        ("How did margins in the latest quarter compare with previous quarters?", False),
        ("How did revenue change across the last four quarters in the most recent 10-Q?", False),
        ("What trends appear across these filings in the latest report?", False),
    ],
)  # fmt: skip
def test_the_latest_report_is_meant_unless_the_question_reaches_back(
    question: str, latest: bool
) -> None:
    assert asks_latest(question) is latest
