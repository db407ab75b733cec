"""The statement figures a question names without asking for one of them.

"How did Apple's operating expenses for Q1 2023 compare to its revenue for the same quarter?"
asks for no single figure, and the 1.5B model answered it "higher than its revenue" with no
figure at all, although the income statement was its first passage; "What insights into
inventory management could be gleaned from Intel's Q3 2022 inventory levels?" was answered
from a sentence about payment terms. Each line item the question names is read from its row,
in the period asked, and the figures open the evidence (:func:`line`); the passages stay
after them for the explanation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sourcewise.core.answer import citations as cit
from sourcewise.core.answer import formulas, ratios
from sourcewise.core.answer.grounding import states
from sourcewise.core.answer.line_items import (
    NAMES,
    Row,
    amount,
    figure_of,
    matches,
    own_label,
    rank,
)
from sourcewise.core.answer.names import says

_KNOWN = frozenset(name for name, _ in NAMES)  # a row so labelled is a line item's own
# How :func:`line` opens (and :mod:`breakdowns`' line); :func:`unsaid` knows it.
LEAD = "From the statements: "
_FIGURE = re.compile(r"= -?([\d,]+(?:\.\d+)?)")  # each figure the line reads
_SHARE = re.compile(r"\) are (\d+(?:\.\d+)?)% of ")


def asked(question: str) -> list[str]:
    """The line items whose figures the question wants set out: those it names, unless it
    asks for one figure (read from its row elsewhere) or why (an explanation's words)."""
    if ratios.asks_figure(question) or formulas.asks_why(question):
        return []
    return concepts(question)


def concepts(question: str) -> list[str]:
    """Every line item the question names, in the order it names them: "operating expenses"
    and "revenue". The longest name said wins: "net sales" is not also "sales"."""
    low = question.lower()
    said: list[str] = []
    found: list[tuple[int, str]] = []
    for name, key in NAMES:  # longest first
        if says(low, name) and not any(says(longer, name) for longer in said):
            said.append(name)
            found.append((low.find(name), key))
    return list(dict.fromkeys(key for _, key in sorted(found)))


def line(question: str, rows: Sequence[Row]) -> tuple[str, list[Row]] | None:
    """The line "From the statements: Total operating expenses (Three Months Ended December 31,
    2022) = 14,316 million; Total net sales (…) = 117,154 million." for each concept the
    question names whose row ``rows`` hold in a period it asks for (two of one period are
    also set side by side as a share), and the rows read; None when none. Only for the
    questions :func:`asked` picks."""
    named = asked(question)
    if not named or _names_own_rows(question, rows):
        return None
    read = [found for c in named if (found := _read(question, c, rows))]
    if not read:
        return None
    parts = [f"{_name(row)} ({column}) = {amount(question, figure_of(row, column), row.scale)}"
             for row, column in read]  # fmt: skip
    return LEAD + "; ".join(parts) + "." + _share(question, read), [row for row, _ in read]


def _names_own_rows(question: str, rows: Sequence[Row]) -> bool:
    """Whether the question names a row that is no line item of its own ("Apple's iPhone
    sales", "the AWS segment"): its total is then not what it asks about."""
    low = question.lower()
    labels = {own_label(r.label) for r in rows if r.values}
    return any(len(label) > 3 and label not in _KNOWN and says(low, label) for label in labels)


def _read(question: str, concept: str, rows: Sequence[Row]) -> tuple[Row, str] | None:
    """The concept's row in the column the question asks for."""
    found = [r for r in rows if r.scale and r.values and matches(r.label, concept)]
    for row in sorted(found, key=lambda r: _order(question, concept, r)):
        column = ratios.column_for(question, list(row.values))
        if column is not None and ratios.year_of(column):  # not a header read as "7 6,607"
            return row, column
    return None


def _order(question: str, concept: str, row: Row) -> tuple[int, int, float]:
    """Rows of the year asked first (a divestiture note's "Inventories" of 2021 is no answer
    for Q3 2022), then by the concept's labels ("Total net sales" before "Net sales"), then
    the larger figure (a segment's "Net sales" is part of the consolidated one)."""
    fit, size = ratios.preference(question, row)
    return fit, rank(row.label, concept), size


def _share(question: str, read: list[tuple[Row, str]]) -> str:
    """For two figures of one period and scale, the smaller as a share of the larger, each
    with its figure: " Total operating expenses (14,316 million) are 12.2% of Total net
    sales (117,154 million)." The 1.5B model worked it out itself as "10.7% higher"; told
    only the share, it gave the share without the figures."""
    if len(read) != 2:  # a pair only
        return ""
    (a, col_a), (b, col_b) = read
    x, y = figure_of(a, col_a), figure_of(b, col_b)
    if col_a != col_b or a.scale != b.scale or x <= 0 or y <= 0:
        return ""
    (small, v), (large, w) = sorted([(a, x), (b, y)], key=lambda p: p[1])
    said_v, said_w = amount(question, v, small.scale), amount(question, w, large.scale)
    return (f" {_name(small)} ({said_v}) are {v / w * 100:.1f}% of {_name(large)} "
            f"({said_w}).")  # fmt: skip


def _name(row: Row) -> str:
    """A row's own name, as its table writes it: "Total operating expenses", not after its
    section ("Operating expenses: Total operating expenses")."""
    return row.label.rsplit(":", 1)[-1].strip() or row.label


def unsaid(answer: str, evidence: str) -> list[str]:
    """The parts of the figure line that opens ``evidence`` (:func:`line`) which ``answer``
    leaves out: the figures when it states none of them, the share when it does not state it.
    Given both, the 1.5B model answered "Apple's operating expenses were 12.2% of its
    revenue" with neither figure, and NVIDIA's with both figures and no share."""
    if not evidence.startswith(LEAD):
        return []
    first = evidence.split("\n", 1)[0]
    share = _SHARE.search(first)
    cut = first.rfind(". ", 0, share.start()) + 1 if share else len(first)
    figures, rest = first[:cut].strip(), first[cut:].strip()
    said = cit.strip_markers(answer)
    parts = []
    if not any(states(said, m.group(1)) for m in _FIGURE.finditer(figures)):
        parts.append(figures)
    if share and not states(said, share.group(1)):
        parts.append(rest)
    return parts
