"""Passages for each operand of a metric the question defines, from the document it is about.

A metric often needs rows of two statements: Amazon's quarterly free cash flow needs the cash
flow statement's operating cash flow and its purchases of property and equipment, and a DPO
the balance sheet's payables and inventories beside the income statement's cost of sales. One
search for the whole question found Amazon's own trailing-twelve-months "Free cash flow" table
and no statement, and the model gave its 21,434 for the quarter's 8,738. Each operand is
searched for again, by the question's words for it, within the top passage's document; the
tables that come back holding a row of it join the others, so :mod:`formulas` and
:mod:`ratios` find their rows.
"""

from __future__ import annotations

import dataclasses
import re

from sourcewise.core.answer import breakdowns, formulas, line_items, named_figures, ratios
from sourcewise.core.types import SearchFilters, SearchFn, SearchHit

_YEAR = re.compile(r"\b(?:19|20)\d\d\b|\bFY\s?\d{2}")
PER_OPERAND = 2  # tables kept for each operand: those with a row of it ...
_SEARCHED = 20  # ... of this many passages searched (the cross-encoder ranks big tables low)
_BREAKDOWN_TABLES = 3  # a breakdown's: its segment table, its product table, the statement
# The period the question asks for, said with each operand: a statement's columns name it.
_PERIOD = re.compile(r"\b(?:three|six|nine|twelve) months ended \w+ \d{1,2}, \d{4}|"
                     r"\b(?:as of|at) \w+ \d{1,2}, \d{4}|\bFY\s?\d{2,4}\b|\bQ[1-4] \d{4}\b",
                     re.I)  # fmt: skip


_PERIOD_KIND = re.compile(r"\b(?:three|six|nine|twelve) months ended\b", re.I)
_NAMED = 3  # line items searched for, of those a question names without asking for one


def queries(question: str) -> list[tuple[str, str]]:
    """One query per operand of the metric the question defines or names, with the operand's
    concept, one for the single figure it asks of a row it names otherwise, or one for each
    line item a question names without asking for one figure ("how did operating expenses
    compare to revenue"); a share of revenue's table is searched for by its total's name."""
    return _queries(question)[0]


def _queries(question: str) -> tuple[list[tuple[str, str]], bool]:
    """:func:`queries`, and whether they are for one figure rather than a metric's operands."""
    if broken := breakdowns.asked(question):
        # The tables of its parts: Amazon's net sales by product group were not among the
        # passages the question's own words found.
        return [(breakdowns.query(broken), broken)], False
    formula = formulas.defined(question)
    ratio = None if formula else ratios.asked(question)
    one_figure = False
    if formula is not None:
        said = [(op.text, op.concept) for op in formulas.operands(formula.expression)]
    elif ratio is not None and ratio.numerator:
        top, under = ratios.operand_words(question, ratio)
        said = [(top, ratio.numerator), (under, ratio.denominator)]
    elif ratio is not None:
        # A share of revenue: the table of revenue's rows, which holds the row named too.
        # Apple's Services share was given as its gross-margin percentage (71.5%) when the
        # net sales table was not among the passages.
        said = [(_statement_words("revenue"), "revenue")]
    elif ratios.asks_figure(question) and (concept := ratios.named_concept(question.lower())):
        said = [(_statement_words(concept), concept)]  # one figure, of a row named otherwise
        one_figure = True
    elif named := named_figures.asked(question):
        # "How did operating expenses compare to revenue?": each one's statement (searched
        # for even when a passage holds a row of it: Apple's MD&A table of operating expenses
        # has one, under a header that names no period).
        said = [(_statement_words(c), c) for c in named[:_NAMED]]
    else:
        return [], False
    # An operand without dates of its own is searched for with the period asked.
    period = _PERIOD.search(question)
    when = f" {period.group(0)}" if period else ""
    return list(dict.fromkeys(
        (text if _YEAR.search(text) else f"{text}{when}", concept) for text, concept in said
    )), one_figure  # fmt: skip


def _statement_words(concept: str) -> str:
    """How statements name ``concept``: "What were Amazon's capital expenditures for the six
    months ended June 30, 2023?" shares no word with "Purchases of property and equipment",
    and found no cash-flow statement."""
    same = line_items.SAME.get(concept)
    return same[0] if same else concept


def with_operands(
    question: str, hits: list[SearchHit], search: SearchFn, filters: SearchFilters | None
) -> list[SearchHit]:
    """``hits`` and, after them, the tables of the best hit's document that hold a row of
    each operand (searched for by the operand's words and the period asked)."""
    asked, one_figure = _queries(question) if hits else ([], False)
    if not asked:
        return hits
    scope = dataclasses.replace(filters or SearchFilters(), documents=(hits[0].path,))
    broken = breakdowns.asked(question)  # once, not for every table found
    limit = _BREAKDOWN_TABLES if broken else PER_OPERAND
    out = list(hits)
    seen = {h.chunk_id for h in hits}
    for query, concept in asked:
        if one_figure and _held(hits, concept):
            continue  # the figure's row is among the passages already
        found = search(query, _SEARCHED, scope)
        tables = [h for h in found if h.kind == "table" and _holds(h.text, concept, broken)]
        tables.sort(key=lambda h: not _states_period(h.text, question))  # stable: search order
        for hit in _one_per_page(tables)[:limit]:
            if hit.chunk_id not in seen:
                seen.add(hit.chunk_id)
                out.append(dataclasses.replace(hit, rank=len(out) + 1))
    return out


def _holds(text: str, concept: str, broken: str | None) -> bool:
    """Whether a table holds a row of ``concept``, or the total of a breakdown of it (the
    concept the question asks to be ``broken`` down)."""
    return line_items.holds_row(text, concept) or (broken == concept and breakdowns.has_total(text))


def _held(hits: list[SearchHit], concept: str) -> bool:
    return any(h.kind == "table" and line_items.holds_row(h.text, concept) for h in hits)


def _states_period(text: str, question: str) -> bool:
    """Whether a table's text names the kind of period asked ("three months ended"): Amazon's
    three free-cash-flow tables, each twelve months, hold its capex row too, and took both
    places of its quarterly cash-flow statement."""
    asked = _PERIOD_KIND.search(question)
    return asked is None or asked.group(0).lower() in text.lower()


def _one_per_page(tables: list[SearchHit]) -> list[SearchHit]:
    """The first table of each page: Apple's segment page holds a table per region, each with
    an "Operating income" row, and two of them left no place for the income statement."""
    pages: set[tuple[int, int | None]] = set()
    out = []
    for hit in tables:
        if (hit.document_id, hit.page) not in pages:
            pages.add((hit.document_id, hit.page))
            out.append(hit)
    return out
