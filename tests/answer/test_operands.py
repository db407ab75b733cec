"""Each operand of a metric the question defines is searched for in the top passage's
document, and the tables found that hold a row of it join the hits."""

from __future__ import annotations

import dataclasses

from sourcewise.core.answer import operands
from sourcewise.core.types import SearchFilters, SearchHit

FCF = ("What was Amazon's free cash flow for the three months ended September 30, 2023? Free "
       "cash flow is defined as net cash provided by operating activities less purchases of "
       "property and equipment.")  # fmt: skip
CAPEX_ROW = "| Purchases of property and equipment | (16,378) | (12,479) |"
CASH_ROW = "| Net cash provided by (used in) operating activities | 11,404 | 21,217 |"


def _hit(chunk_id: int, text: str, kind: str = "table") -> SearchHit:
    return SearchHit(rank=1, score=1.0, path="/d/2023 Q3 AMZN.pdf", page=chunk_id,
                     chunk_id=chunk_id, heading="", text=text, start=0, end=len(text),
                     kind=kind)  # fmt: skip


def test_each_operand_is_searched_with_the_period_asked() -> None:
    assert operands.queries(FCF) == [
        ("net cash provided by operating activities three months ended September 30, 2023",
         "operating cash flow"),
        ("purchases of property and equipment three months ended September 30, 2023",
         "capital expenditure"),
    ]  # fmt: skip
    ratio = "What is the current ratio at FY2022? Current ratio is current assets divided by current liabilities."
    assert operands.queries(ratio) == [("current assets FY2022", "current assets"),
                                       ("current liabilities FY2022", "current liabilities")]  # fmt: skip
    # A share of revenue: the table of revenue's rows, which holds the row named too.
    assert operands.queries("What percentage of revenue came from Services in Q3 2023?") == [
        ("total net sales Q3 2023", "revenue")
    ]
    # No figure asked (an explanation): no search of its own.
    assert operands.queries("Why did Amazon's net income rise in Q3 2023?") == []


def test_one_figure_of_a_row_named_otherwise_is_searched_for_by_the_statements_words() -> None:
    # "capital expenditures" shares no word with Amazon's "Purchases of property and equipment".
    question = "What were Amazon's capital expenditures for the six months ended June 30, 2023?"
    assert operands.queries(question) == [
        ("purchases of property and equipment six months ended June 30, 2023",
         "capital expenditure")]  # fmt: skip
    asked: list[str] = []

    def search(query: str, k: int | None, filters: SearchFilters | None) -> list[SearchHit]:
        asked.append(query)
        return [_hit(3, f"CASH FLOWS (in millions)\n{CASH_ROW}\n{CAPEX_ROW}")]

    prose = [_hit(2, "Capital expenditures rose on data centres.", "text")]
    assert [h.chunk_id for h in operands.with_operands(question, prose, search, None)] == [2, 3]
    # Its row among the passages already: no second search.
    held = [_hit(1, CAPEX_ROW)]
    assert operands.with_operands(question, held, search, None) == held
    assert len(asked) == 1


def test_tables_holding_an_operands_row_join_the_hits() -> None:
    asked: list[tuple[str, SearchFilters | None]] = []

    def search(query: str, k: int | None, filters: SearchFilters | None) -> list[SearchHit]:
        asked.append((query, filters))
        # The statement ranks below prose, a table without the row and a hit held already.
        return [_hit(7, CAPEX_ROW, "text"), _hit(8, "| Net sales | 1 | 2 |"), _hit(1, CASH_ROW),
                _hit(3, f"CASH FLOWS (in millions)\n{CASH_ROW}\n{CAPEX_ROW}")]  # fmt: skip

    top = [_hit(1, CASH_ROW), _hit(2, "Free cash flow is …", "text")]
    out = operands.with_operands(FCF, top, search, SearchFilters(collections=("docs",)))
    assert [h.chunk_id for h in out] == [1, 2, 3]
    assert out[2].rank == 3
    assert all(f == SearchFilters(collections=("docs",), documents=("/d/2023 Q3 AMZN.pdf",))
               for _, f in asked)  # fmt: skip
    assert len(asked) == 2
    assert operands.with_operands("How long are backups kept?", top, search, None) == top


def test_the_quarters_statement_is_kept_before_twelve_month_tables_and_same_page_ones() -> None:
    # Amazon's free-cash-flow tables (twelve months, one page) hold its capex row too; so
    # does each region's table on Apple's segment page. The statement of the period asked
    # must keep its place.
    ttm = ("Twelve Months Ended September 30,\n| Purchases of property and equipment, net of "
           "proceeds from sales and incentives | (59,351) | (50,220) |")  # fmt: skip
    quarter = f"Three Months Ended September 30,\n{CAPEX_ROW}"

    def search(query: str, k: int | None, filters: SearchFilters | None) -> list[SearchHit]:
        same_page = dataclasses.replace(_hit(11, ttm + "\n| other |"), page=10)
        return [dataclasses.replace(_hit(10, ttm), page=10), same_page, _hit(12, quarter)]

    out = operands.with_operands(FCF, [_hit(1, "Free cash flow is …", "text")], search, None)
    assert [h.chunk_id for h in out] == [1, 12, 10]
