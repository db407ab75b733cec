"""A figure broken down into its parts: revenue by segment, by product line, by region.

"In Q3 2023, what was the revenue breakdown across Amazon's various service offerings?" was
answered with Amazon's total net sales alone (or declined): the question names "revenue", so
the statement row of revenue was the evidence, and the table of net sales by product group
was not among the passages at all. A breakdown is the rows whose figures add up to a total of
the concept in the column asked. Statements set them two ways, and both are checked by that sum:

- consecutive rows above their total ("Desktop … All other", then "Total net revenue"), or
  above a "Consolidated" / "Total" row;
- the concept's own row once per section ("North America / Net sales", "International / Net
  sales", "AWS / Net sales"), with the consolidated one the sum of the others.

The parts are said with their share of the total, in the question's period (:func:`line`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sourcewise.core.answer import named_figures, ratios, tables
from sourcewise.core.answer.line_items import (
    NAMES,
    SAME,
    Row,
    amount,
    matches,
    own_label,
    plain_label,
)
from sourcewise.core.answer.names import says

# A question after several parts of a figure: "breakdown", "by segment", "across its segments",
# "distribution among product lines", "the e-commerce and AWS segments".
_ASKS = re.compile(
    r"\bbreak(?:s|ing)?[- ]?down\b|\bbroken down\b|\bdistribution\b|\bcomposition\b|"
    r"\bsplit (?:by|across|between|among)\b|\b(?:revenue|sales|product|segment|business) mix\b|"
    r"\bby (?:business |operating |reportable )?(?:segments?|product|region|geograph\w*|"
    r"categor\w*|division|business)\b|\b(?:segments|product lines|business lines|offerings|"
    r"divisions|regions|business units|product categories|product groups)\b",
    re.I,
)
_BROKEN_DOWN = ("revenue", "operating income", "operating expenses", "cost of sales",
                "gross margin", "net income")  # fmt: skip
_GENERIC_TOTAL = {"total", "consolidated", "total consolidated", "consolidated total"}
_MIN_PARTS = 2
_WORD = re.compile(r"[^\W\d_]{3,}")
_SEGMENT = re.compile(r"\bsegments?\b", re.I)


@dataclass(frozen=True)
class Breakdown:
    total: Row
    column: str
    parts: list[tuple[str, Row]]  # each part's name and its row
    by_section: bool  # the concept's row per section (a segment table), not rows above a total


def asked(question: str) -> str | None:
    """The concept whose parts the question asks for ("revenue"), or None."""
    if not _ASKS.search(question) or (ratios.asks_figure(question) and not _plural(question)):
        return None
    return next((c for c in named_figures.concepts(question) if c in _BROKEN_DOWN), None)


def _plural(question: str) -> bool:
    """Whether the question names several parts: "What was the revenue from Amazon's
    e-commerce and AWS segments?" asks for one figure by its words, and means each part's."""
    return bool(re.search(r"\b(?:segments|lines|offerings|divisions|regions|units)\b", question,
                          re.I))  # fmt: skip


def query(concept: str) -> str:
    """What the tables of a breakdown are searched for by, within the document: the concept's
    statement name without "total" ("net sales by segment, …"), as its parts' tables say it."""
    name = SAME.get(concept, (concept,))[0].removeprefix("total ")
    return f"{name} by segment, product and service"


def has_total(text: str) -> bool:
    """Whether a table's text has a "Total" or "Consolidated" row (Amazon's net sales by
    product group end in "Consolidated", and name no row "Net sales"), read as
    :func:`line_items.holds_row` reads rows."""
    rows = (tables.cells(line) for line in text.splitlines() if line.lstrip().startswith("|"))
    return any(cells and own_label(cells[0]) in _GENERIC_TOTAL for cells in rows)


def line(
    question: str, concept: str, rows: Sequence[Row], text_of: Callable[[Row], str]
) -> tuple[str, list[Row]] | None:
    """ "From the statements: Net sales (Three Months Ended September 30, 2023, 143,083 million in
    all) by part: North America = 87,887 million (61.4%); …", the breakdown that fits
    the question best (its words in the parts' names, a segment table for "segments"), and the
    rows it read; None when no rows add up. ``text_of`` gives a row's passage text."""
    found = [b for group in _tables(rows) for b in _breakdowns(question, concept, group)]
    if not found:
        return None
    best = max(found, key=lambda b: _fit(question, concept, b, text_of(b.total)))
    return _said(question, concept, best), [best.total, *(row for _, row in best.parts)]


def _tables(rows: Sequence[Row]) -> list[list[Row]]:
    groups: dict[tuple[int, int, int], list[Row]] = {}
    for row in rows:
        groups.setdefault(row.table, []).append(row)
    return list(groups.values())


def _breakdowns(question: str, concept: str, group: list[Row]) -> list[Breakdown]:
    out = []
    for t, total in enumerate(group):
        column = ratios.column_for(question, list(total.values))
        if column is None or not ratios.year_of(column) or not _is_total(total, concept):
            continue
        parts = _above(group[:t], total.values[column], column)
        if parts and not _of_another(parts, concept):
            out.append(Breakdown(total, column, [(_name(r), r) for r in parts], False))
    sectioned = _by_section(question, concept, group)
    return out + ([sectioned] if sectioned else [])


def _is_total(row: Row, concept: str) -> bool:
    """Whether a row may be the total of the concept's parts: a row of the concept, or one
    named only "Total" or "Consolidated"."""
    label = own_label(row.label)
    return label in _GENERIC_TOTAL or matches(row.label, concept)


def _of_another(parts: list[Row], concept: str) -> bool:
    """Whether a part is a row of another line item: under a "Consolidated" total, the MD&A's
    "Operating income (loss) North America … AWS" are no parts of revenue."""
    labels = [plain_label(r.label) for r in parts]  # the section's words too
    return any(key != concept and says(label, name) for label in labels for name, key in NAMES)


def _above(rows: list[Row], total: float, column: str) -> list[Row]:
    """The rows right above a total that add up to it (each figure rounded, so within one per
    row); [] when no run of them does."""
    parts: list[Row] = []
    running = 0.0
    for row in reversed(rows):
        if column not in row.values:
            break
        parts.insert(0, row)
        running += row.values[column]
        if len(parts) >= _MIN_PARTS and total and abs(running - total) <= len(parts):
            return parts
    return []


def _by_section(question: str, concept: str, group: list[Row]) -> Breakdown | None:
    """The concept's row in each section of a segment table, one of them the others' sum."""
    own = [(part, r) for r in group if (part := _section_part(r, concept)) is not None]
    if len(own) <= _MIN_PARTS:
        return None
    for _, total in sorted(own, key=lambda p: -abs(next(iter(p[1].values.values()), 0.0))):
        column = ratios.column_for(question, list(total.values))
        if column is None or not ratios.year_of(column):
            continue
        parts = [(part or _name(r), r) for part, r in own if r is not total and column in r.values]
        if abs(sum(r.values[column] for _, r in parts) - total.values[column]) <= len(parts):
            return Breakdown(total, column, parts, True)
    return None


def _section_part(row: Row, concept: str) -> str | None:
    """The section a row of the concept stands in ("International" for "International: Net
    sales", "North America" for a first row set as "North America Net sales"), "" for the
    concept's row outside any section; None for a row of another concept."""
    if matches(row.label, concept):
        return row.label.rsplit(":", 1)[0].strip() if ":" in row.label else ""
    label = row.label.strip()
    for name in SAME.get(concept, (concept,)):
        if label.lower().endswith(f" {name}") and matches(name, concept):
            return label[: -len(name)].strip()
    return None


def _name(row: Row) -> str:
    """A part's name as its table writes it, without a footnote mark ("Online stores (1)")."""
    name = row.label.rsplit(":", 1)[-1].strip() or row.label
    return re.sub(r"\s*\(\d\)$", "", name)


def _fit(question: str, concept: str, b: Breakdown, text: str) -> tuple[int, int, int]:
    """The question's words found in the parts' names (two each for "segments" asked of a
    segment table); then a total named as the concept; then more parts."""
    asked = {w.lower()[:5] for w in _WORD.findall(question)}
    said = sum(1 for name, _ in b.parts if asked & {w.lower()[:5] for w in _WORD.findall(name)})
    segments = 2 if _SEGMENT.search(question) and (b.by_section or _SEGMENT.search(text)) else 0
    return said + segments, int(matches(b.total.label, concept)), len(b.parts)


def _said(question: str, concept: str, b: Breakdown) -> str:
    total = b.total.values[b.column]
    shares = total > 0 and all(r.values[b.column] >= 0 for _, r in b.parts)
    parts = []
    for name, row in b.parts:
        value = row.values[b.column]
        share = f" ({value / total * 100:.1f}%)" if shares else ""
        parts.append(f"{name} = {amount(question, value, row.scale)}{share}")
    head = _name(b.total)
    if own_label(head) in _GENERIC_TOTAL:  # "Consolidated": the concept's own name says more
        head = concept.capitalize()
    said_total = amount(question, total, b.total.scale)
    # The total said as no figure of its own ("= …"): shown "Net sales = 143,083 million,
    # made up of …", the 1.5B model gave the total for "the revenue from Amazon's e-commerce
    # and AWS segments".
    return (f"{named_figures.LEAD}{head} ({b.column}, {said_total} in all) by part: "
            + "; ".join(parts) + ".")  # fmt: skip
