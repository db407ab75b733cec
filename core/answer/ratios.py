"""Ratios and shares computed from statement rows, not guessed by the model.

Asked "What is Amazon's operating margin for Q3 2023? Operating margin is operating income
divided by net sales.", the 1.5B model answered "4.307%" (a segment's operating income, as a
percentage); asked for the share of Apple's revenue from Services, "71.5%" (a gross-margin
percentage). Analysts' questions (FinanceBench's are a third of it) ask for such ratios and
often define them. The question names the ratio (a definition "A divided by B", "A / B", "A as
a percentage of B", a known ratio such as the current ratio, or the share of revenue a named
row brings); each operand is found as a row of the passages' statements, both in one period's
column, and the result is shown to the model as a computed line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sourcewise.core.answer import tables
from sourcewise.core.answer.answerability import MONTHS, NOT_STATED, question_names
from sourcewise.core.answer.line_items import (
    ALIASES,
    NAMES,
    SAME,
    Row,
    amount,
    concept,
    figure_of,
    matches,
    own_label,
    rank,
    scale_factor,
)
from sourcewise.core.answer.names import says

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_FISCAL = re.compile(r"\bFY\s?((?:19|20)?\d\d)\b", re.I)


@dataclass(frozen=True)
class Ratio:
    name: str
    numerator: str  # a concept ("operating income"), or "" for a row the question names
    denominator: str
    percent: bool
    average: bool = False  # the denominator averaged over the two years the question names


# Ratios a question names without defining them.
_KNOWN = (
    (re.compile(r"\bgross (?:profit )?margin (?:percentage|ratio|%|rate|as a percent)|gross "
                r"(?:profit )?margin\s*\(%\)", re.I), "gross margin", "gross margin", "revenue"),
    (re.compile(r"\boperating (?:profit |income )?margin\b", re.I), "operating margin",
     "operating income", "revenue"),
    (re.compile(r"\bnet (?:profit |income )?margin\b", re.I), "net margin", "net income", "revenue"),
    (re.compile(r"\bcurrent ratio\b", re.I), "current ratio", "current assets",
     "current liabilities"),
    (re.compile(r"\binterest coverage\b", re.I), "interest coverage ratio", "operating income",
     "interest expense"),
    (re.compile(r"\bcapex (?:as an? |to )?(?:%|percent(?:age)?|share)? ?(?:of )?(?:revenue|sales)\b|"
                r"\bcapital intensity\b", re.I), "capital expenditure as a percentage of revenue",
     "capital expenditure", "revenue"),
    (re.compile(r"\bdividend payout ratio\b|\bpayout ratio\b", re.I), "dividend payout ratio",
     "dividends paid", "net income"),
)  # fmt: skip
# Named ratios over a balance-sheet average: the year asked and the year before.
_AVERAGED = (
    (re.compile(r"\breturn on (?:total )?assets\b|\bROA\b"), "return on assets", "net income",
     "total assets", True),
    (re.compile(r"\binventory turnover\b", re.I), "inventory turnover", "cost of sales",
     "inventory", False),
    (re.compile(r"\breturn on (?:shareholders'? |stockholders'? )?equity\b|\bROE\b", re.I),
     "return on equity", "net income", "total equity", True),
    (re.compile(r"\b(?:total )?asset turnover\b", re.I), "asset turnover", "revenue",
     "total assets", False),
)  # fmt: skip
# "Operating margin is defined as: operating income / net sales", "… is operating income
# divided by net sales" or "… = A / B". A bare "over" is read only after such a definition.
_DEFINED = re.compile(
    r"(?P<name>[\w'’&%() -]{3,60}?)\s+(?:(?:is|are)\s+(?:defined|calculated|computed|measured)"
    r"\s+as|=|is\s+(?=[^?;.]*\bdivided by\b))\s*:?\s*(?P<expr>[^?;]+?)(?:[.?;]\s|[.?;]?$)",
    re.I,
)
_DIVIDED = re.compile(r"\s+(?:divided by|over)\s+|\s*/\s*|\s+as an? (?:percentage|share) of\s+",
                      re.I)  # fmt: skip
_SHARE = re.compile(r"\b(?:percentage|percent|share|proportion|portion|fraction)\s+of\s+(?:[\w'’]+"
                    r"\s+){0,3}?(?:revenues?|net sales|sales|net revenues?)\b(?!\s+(?:team|staff))",
                    re.I)  # fmt: skip
_GENERIC_LABELS = frozenset({"total", "totals", "subtotal", "other", "others", "all other", "net",
                             "amount", "balance", "sum", "gesamt", "summe"})  # fmt: skip
# A question after one figure, not an explanation or a comparison of figures.
# Asked at the start, or after an analyst's instructions: "Assume that you are a public
# equities analyst. Answer … shown in the balance sheet: what is the year end FY2018 net PPNE?"
# "What was …", also after an analyst's instructions or a clause ("For the latest quarter, what
# was the total revenue generated from Apple's iPhone sales?").
_FIGURE_QUESTION = re.compile(r"(?:^|[.:!?,]\s+)\s*(?:what (?:was|were|is|are)|how much)\b", re.I)
_NOT_ONE_FIGURE = re.compile(r"\b(?:why|drove|driv\w+|explain\w*|compar\w+|chang\w+|increas\w*|"
                             r"decreas\w*|trend\w*|impact\w*|and how|versus|vs\.?)\b",
                             re.I)  # fmt: skip
# A ratio is shown as a percentage (a margin, an intensity, a return) unless it is named as a
# ratio, a turnover or a coverage: "current ratio 1.53", "asset turnover 24.26".
_PLAIN = re.compile(r"\b(?:ratio|turnover|coverage|multiple|times)\b", re.I)


def asked(question: str) -> Ratio | None:
    """The ratio the question asks for, from its definition, its name, or a share of revenue."""
    defined = _definition(question)
    if defined is not None:
        return defined
    for pattern, name, numerator, denominator in _KNOWN:
        if pattern.search(question):
            return Ratio(name, numerator, denominator, not _PLAIN.search(name))
    for pattern, name, numerator, denominator, percent in _AVERAGED:
        if pattern.search(question):
            return Ratio(name, numerator, denominator, percent, average=True)
    if _SHARE.search(question):
        return Ratio("share of revenue", "", "revenue", True)
    return None


def _definition(question: str) -> Ratio | None:
    for name, (numerator, denominator) in _defined_parts(question):
        top, under = concept(numerator), concept(denominator)
        if not top or not under:
            continue
        average = bool(re.search(r"\baverage\b", denominator, re.I))
        return Ratio(name, top, under, not _PLAIN.search(name), average)
    return None


def _defined_parts(question: str) -> list[tuple[str, tuple[str, str]]]:
    """Each "name is A divided by B" the question says: its name and its two operands' words."""
    out = []
    for m in _DEFINED.finditer(question):
        expr = m.group("expr")
        parts = _DIVIDED.split(expr)
        if len(parts) != 2 or "+" in expr or "*" in expr:
            continue  # "365 * (average payables …) / (COGS + change in inventory)": formulas'
        name = " ".join(m.group("name").split()).lower()
        name = re.sub(r"^(?:the|and|where|here|note that)\s+", "", name)
        out.append((name, (parts[0], parts[1])))
    return out


def operand_words(question: str, ratio: Ratio) -> tuple[str, str]:
    """How the question says the ratio's two operands: its definition's words ("average
    inventories between September 24, 2022 and July 1, 2023"), else the concepts' names."""
    for _name, (numerator, denominator) in _defined_parts(question):
        if concept(numerator) == ratio.numerator and concept(denominator) == ratio.denominator:
            return numerator.strip(" ()"), denominator.strip(" ()")
    return ratio.numerator, ratio.denominator


def compute(question: str, ratio: Ratio, rows: Sequence[Row]) -> tuple[str, list[Row]] | None:
    """The computed line and the rows it used; None when an operand or a common period is
    not in ``rows``. Both operands are looked for in one table first (Amazon's segment table
    has its own "Operating income" rows beside the consolidated statement's), and of rows
    named alike the larger first (a segment's "Net sales" is part of the consolidated one)."""
    denominators = [r for r in rows if matches(r.label, ratio.denominator)]
    for den in _ordered(question, denominators, ratio.denominator):
        nums = [r for r in rows if r is not den and _numerator(question, ratio, r, den)]
        nums.sort(key=lambda r: (r.table != den.table, rank(r.label, ratio.numerator),
                                 *preference(question, r)))  # fmt: skip
        for num in nums:
            line = _line(question, ratio, num, den)
            if line:
                return line, [num, den]
    return None


def look_up(question: str, rows: Sequence[Row]) -> tuple[str, list[Row]] | None:
    """For a question after one figure of a statement ("What were Amazon's purchases of
    property and equipment in the three months ended …?"), the row it names, read in the
    period it asks for: the 1.5B model read 6 of 12 such figures from the wrong row or
    column. The row is the longest label the question says, else one of the concept the
    question names; None for other questions, or when no scaled statement row is named."""
    if not asks_figure(question):
        return None
    asked_for = question.lower()
    scaled = [r for r in rows if r.scale and r.values]
    said = [
        r for r in scaled if _specific(own_label(r.label)) and says(asked_for, own_label(r.label))
    ]
    if said:
        longest = max(len(own_label(r.label)) for r in said)
        found = [r for r in said if len(own_label(r.label)) == longest]
    elif len(_other_names(question)) <= 1:  # "Apple's sales in Greater China": not the total
        concept = named_concept(asked_for)
        found = [r for r in scaled if concept and matches(r.label, concept)]
    else:
        return None
    for row in sorted(found, key=lambda r: preference(question, r)):
        column = column_for(question, list(row.values))
        if column is not None:
            value = amount(question, figure_of(row, column), row.scale)  # "12,949 million"
            return f"From the statements ({column}): {row.label} = {value}", [row]
    return None


def _specific(label: str) -> bool:
    """A row label that names something ("net service sales"), not a table's "Total" row: the
    "total due" of a scanned invoice was looked up as Intel's derivatives total."""
    return len(label) > 3 and label not in _GENERIC_LABELS


def asks_figure(question: str) -> bool:
    """Whether ``question`` asks for one figure, not an explanation or a comparison."""
    return bool(_FIGURE_QUESTION.search(question)) and not explains(question)


def explains(question: str) -> bool:
    """Whether ``question`` asks why, or compares or follows figures ("what drove", "how did
    … change")."""
    return bool(_NOT_ONE_FIGURE.search(question))


def named_concept(question: str) -> str:
    """The concept whose longest name the question says ("net cash provided by operating
    activities", "capex"), or ""."""
    said = [(len(name), key) for name, key in NAMES if says(question, name)]
    return max(said)[1] if said else ""


def _other_names(question: str) -> list[str]:
    """The question's names that are not dates, numbers, codes ("USD", "10-Q") or a concept's
    own name ("PPNE", "EBITDA"): the company, and what else."""
    concepts = {*ALIASES, *SAME}
    return [n for n in question_names(question)
            if not any(c.isdigit() for c in n) and n.lower() not in MONTHS
            and not NOT_STATED.match(n) and n.lower() not in concepts]  # fmt: skip


def _ordered(question: str, rows: list[Row], concept: str) -> list[Row]:
    return sorted(rows, key=lambda r: (rank(r.label, concept), *preference(question, r)))


def preference(question: str, row: Row) -> tuple[int, float]:
    """How well ``row``'s column for ``question`` fits, best first when sorted: the year it
    asks for (0), another year (1), none (2: "Amount", "% of Net Revenue", a table whose
    periods are text above it); then the larger figure (a segment's "Net sales" is part of
    the consolidated one)."""
    column = column_for(question, list(row.values))
    if column is None:
        return 2, 0.0
    year = year_of(column)
    fit = 0 if year and year in asked_years(question) else 1 if year else 2
    return fit, -abs(row.values[column])


def _numerator(question: str, ratio: Ratio, row: Row, den: Row) -> bool:
    if ratio.numerator:
        return matches(row.label, ratio.numerator)
    # A share: a row of the revenue table that the question names ("the Services segment").
    label = own_label(row.label)
    return row.table == den.table and len(label) > 2 and says(question.lower(), label)


def _line(question: str, ratio: Ratio, num: Row, den: Row) -> str:
    """The computed line, both operands from one year's column (by label within a table;
    across statements, a quarter's column and a balance sheet's date share only the year)."""
    top = column_for(question, list(num.values))
    under = top if top in den.values else column_for(question, list(den.values))
    if top is None or under is None or year_of(top) != year_of(under):
        return ""
    b = _denominator_value(question, ratio, den, under)
    if not b:
        return ""
    # Scales count only when both rows state one: a segment table that states none beside a
    # statement "in millions" is not a millionth of it.
    both = num.scale and den.scale
    a = figure_of(num, top)
    value = a / b * (scale_factor(num.scale) / scale_factor(den.scale) if both else 1.0)
    shown = f"{value * 100:.1f}%" if ratio.percent else f"{value:.2f}"
    over = f"average {den.label} {tables.figure(b)}" if ratio.average else \
        f"{den.label} {tables.figure(den.values[under])}"  # fmt: skip
    name = ratio.name if ratio.numerator else f"{num.label} as a percentage of {den.label}"
    return (f"Computed from the statements ({top}): {name} = {num.label} "
            f"{tables.figure(a)} / {over} = {shown}.")  # fmt: skip


def shown(row: Row) -> str:
    """A row as the evidence shows it: "Operating income — Three Months Ended …: 11,188"."""
    pairs = "; ".join(f"{c}: {tables.figure(v)}" for c, v in row.values.items())
    return f"{row.label} — {pairs}" + (f" ({row.scale})" if row.scale else "")


def year_of(column: str) -> str:
    return max(_YEAR.findall(column), default="")


def _denominator_value(question: str, ratio: Ratio, den: Row, column: str) -> float:
    """The denominator as its row states it (its scale not applied)."""
    if not ratio.average:
        return den.values[column]
    columns = [c for c in den.values if year_of(c) in averaged_years(question, year_of(column))]
    if len(columns) < 2:
        return 0.0
    return sum(den.values[c] for c in columns[:2]) / 2


def averaged_years(question: str, year: str) -> tuple[str, ...]:
    """The two years an average spans: the two the question names, else ``year`` and the
    year before (a balance sheet states both year-ends)."""
    named = asked_years(question)
    if len(named) >= 2:
        return tuple(sorted(named[-2:]))
    return (str(int(year) - 1), year) if year.isdigit() else ()


def column_for(question: str, columns: list[str]) -> str | None:
    """The column of the year the question asks for, else the latest year's; never one of
    another period than it asks for (Amazon's twelve months for "the three months ended")."""
    asked = tables.asked_spans(question)
    columns = [c for c in columns if not asked or tables.span_of(c) in (None, *asked)]
    if not columns:
        return None
    years = asked_years(question)
    named = [c for c in columns if years and years[-1] in c]
    if named:
        return named[0]
    dated = [(max(_YEAR.findall(c), default=""), -k) for k, c in enumerate(columns)]
    return columns[-max(dated)[1]]


def asked_years(question: str) -> list[str]:
    found = [y if len(y) == 4 else f"20{y}" for y in _FISCAL.findall(question)]
    return found or _YEAR.findall(question)
