"""Each operand of a metric the question defines is searched for in the top passage's
document, and the tables found join the hits."""

from __future__ import annotations

from sourcewise.core.answer import operands
from sourcewise.core.types import SearchFilters, SearchHit

FCF = ("What was Amazon's free cash flow for the three months ended September 30, 2023? Free "
       "cash flow is defined as net cash provided by operating activities less purchases of "
       "property and equipment.")  # fmt: skip


def _hit(chunk_id: int, kind: str = "table", path: str = "/d/2023 Q3 AMZN.pdf") -> SearchHit:
    return SearchHit(rank=1, score=1.0, path=path, page=chunk_id, chunk_id=chunk_id, heading="",
                     text=f"chunk {chunk_id}", start=0, end=9, kind=kind)  # fmt: skip


def test_each_operand_is_searched_with_the_period_asked() -> None:
    assert operands.queries(FCF) == [
        "net cash provided by operating activities three months ended September 30, 2023",
        "purchases of property and equipment three months ended September 30, 2023",
    ]
    ratio = "What is the current ratio at FY2022? Current ratio is current assets divided by current liabilities."
    assert operands.queries(ratio) == ["current assets FY2022", "current liabilities FY2022"]
    # No metric, or a share of revenue (its rows are in one table): no search of its own.
    assert operands.queries("What was Amazon's net income in Q3 2023?") == []
    assert operands.queries("What percentage of revenue came from Services?") == []


def test_the_operands_tables_from_the_top_document_join_the_hits() -> None:
    asked: list[tuple[str, SearchFilters | None]] = []

    def search(query: str, k: int | None, filters: SearchFilters | None) -> list[SearchHit]:
        asked.append((query, filters))
        # The statement ranks below prose and the hits already held; only tables are kept.
        return [_hit(7, "text"), _hit(1), _hit(3), _hit(4), _hit(5)]

    top = [_hit(1), _hit(2, "text")]
    out = operands.with_operands(FCF, top, search, SearchFilters(collections=("docs",)))
    assert [h.chunk_id for h in out] == [1, 2, 3, 4]  # the first three tables, 1 held already
    assert [h.rank for h in out[2:]] == [3, 4]
    assert all(f == SearchFilters(collections=("docs",), documents=("/d/2023 Q3 AMZN.pdf",))
               for _, f in asked)  # fmt: skip
    assert len(asked) == 2
    assert operands.with_operands("How long are backups kept?", top, search, None) == top
