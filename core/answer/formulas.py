"""Formulas a question defines with sums, differences, changes and constants, worked out from
statement rows.

Analysts define most metrics in the question, and not only as "A divided by B": "DPO is
defined as: 365 * (average accounts payable between FY2016 and FY2017) / (FY2017 COGS + change
in inventory between FY2016 and FY2017)", "Define unadjusted EBITDA as unadjusted operating
income + depreciation and amortization", "free cash flow is cash from operations less capital
expenditures". :mod:`ratios` reads the two-operand ones; here a definition with ``+``, ``-``,
``*``, a constant or a "change in …" is parsed into a small expression, each operand read from
its row in the year it names (or the question's), and the result shown with its workings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sourcewise.core.answer import ratios, tables
from sourcewise.core.answer.line_items import (
    Row,
    amount,
    concept,
    figure_of,
    matches,
    own_label,
    scale_factor,
)
from sourcewise.core.answer.ratios import asked_years, averaged_years, column_for, year_of

# "X is defined as: …", "Define X as …", "X = …"
_DEFINED = re.compile(
    r"(?:\bdefine[sd]?\s+(?P<name1>[\w'’&%() -]{2,60}?)\s+as\s*:?|(?P<name2>[\w'’&%() -]{2,60}?)\s+"
    r"(?:(?:is|are)\s+(?:defined|calculated|computed|measured)\s+as\s*:?|=))\s*"
    r"(?P<expr>[^?;]+?)(?:[.?;]\s|[.?;]?$)",
    re.I,
)
_TOKEN = re.compile(
    r"(?P<open>\()|(?P<close>\))|(?P<times>\*|×|\btimes\b|\bmultiplied by\b)"
    r"|(?P<over>/|\bdivided by\b)|(?P<plus>\+|\bplus\b)|(?P<minus>\s[-–−]\s|\bminus\b|\bless\b)",
    re.I,
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CHANGE = re.compile(r"\b(?:change|increase|decrease)\s+in\b", re.I)
_AVERAGE = re.compile(r"\baverage\b", re.I)
_FISCAL = re.compile(r"\bFY\s?((?:19|20)?\d\d)\b|(?<!\d)((?:19|20)\d\d)(?!\d)", re.I)
# An aside in brackets: "[from cash flow statement]", "(as reported)".
_ASIDE = re.compile(r"\[[^\]]*\]|\((?:from|in|on|per|as|see|using)\b[^)]*\)", re.I)
_NOISE = re.compile(r"\b(?:change|increase|decrease)\s+in\b|\bunadjusted\b|\bas reported\b|"
                    r"\b(?:from|in|on|per) the [\w ]*?statements?\b|\breported\b", re.I)  # fmt: skip
# Metrics analysts name without defining them, as they are most often defined ("Does 3M have
# a healthy liquidity profile based on its quick ratio?"). A statement row of the same name
# (a company's own "Free cash flow") is read before this is worked out.
_NAMED = (
    (re.compile(r"\bquick ratio\b", re.I), "quick ratio = (cash and cash equivalents + "
     "short-term investments + accounts receivable) / total current liabilities"),
    (re.compile(r"\bgross (?:margin|profit)\b(?!\s*(?:%|percent|percentage|ratio|rate|as a))", re.I),
     "gross margin = revenue - cost of sales"),
    (re.compile(r"\bworking capital\b(?!\s+ratio)", re.I),
     "working capital = total current assets - total current liabilities"),
    (re.compile(r"\bfree cash flows?\b", re.I),
     "free cash flow = operating cash flow - capital expenditures"),
    (re.compile(r"\b(?:unadjusted )?EBITDA margin\b", re.I), "EBITDA margin = (operating "
     "income + depreciation and amortization) / revenue"),
    (re.compile(r"\b(?:unadjusted )?EBITDA\b(?! margin)", re.I),
     "EBITDA = operating income + depreciation and amortization"),
)  # fmt: skip
# A change between two years asked for as a percentage; not a question why it changed.
_GROWTH = re.compile(
    r"\b(?:year[- ]over[- ]year|yoy|y/y|annual|percent(?:age)?)\s+(?:change|growth|increase|"
    r"decrease)\s+(?:in|of)\s+(?P<what1>[\w&,' -]+?)(?=\s+(?:from|between|for|in|during|over)\b"
    r"|\s*[?(,.]|$)|(?:\b\w+['’]s\s+|\b(?:the|its)\s+)(?:year[- ]over[- ]year\s+|yoy\s+)?"
    r"(?P<what2>[\w&' -]+?)\s+growth\b(?!\s+(?:strategy|plans?|drivers?))",
    re.I,
)
_WHY = re.compile(r"\b(?:why|drove|driv\w+|explain\w*|reasons?|caused?)\b", re.I)
_DECIMALS = re.compile(r"\b(one|two|three|four|\d) decimal", re.I)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4}
_PERCENT = re.compile(r"%|\bpercent|\bpercentage\b|\bmargin\b|\breturn\b", re.I)


@dataclass(frozen=True)
class Operand:
    text: str  # as the question says it: "average accounts payable between FY2016 and FY2017"
    concept: str
    years: tuple[str, ...]  # the years it names, in order
    how: str  # "value", "average" or "change"


@dataclass(frozen=True)
class Op:
    sign: str  # "+", "-", "*", "/"
    left: Node
    right: Node


Node = Operand | float | Op


@dataclass(frozen=True)
class Formula:
    name: str
    expression: Node
    text: str
    named: bool = False  # only named in the question ("its quick ratio"), not defined there
    percent: bool = False  # a growth: shown as a percentage whatever its name


def asks_why(question: str) -> bool:
    """Whether ``question`` asks for an explanation ("why", "what drove", "the reasons")."""
    return _WHY.search(question) is not None


def defined(question: str) -> Formula | None:
    """The formula the question defines, when it is more than "A divided by B" (those are
    :func:`ratios.asked`'s): a sum, a difference, a product, a constant or a change; else
    one of :data:`_NAMED` that it names without defining."""
    for m in _DEFINED.finditer(question):
        name = m.group("name1") or m.group("name2")
        formula = _parsed(name, m.group("expr").strip())
        if formula is not None:
            return formula
    growth = _growth(question)
    if growth is not None:
        return growth
    if ratios.asked(question) is not None:
        return None  # "Working capital ratio is … divided by …": the ratio's, not a metric named
    for pattern, definition in _NAMED:
        # Named in a question after its figure, not in "why did free cash flow fall?".
        if pattern.search(question) and not ratios.explains(question):
            name, _, expr = definition.partition(" = ")
            formula = _parsed(name, expr)
            return replace(formula, named=True) if formula is not None else None
    return None


def _growth(question: str) -> Formula | None:
    """A year-over-year change asked for ("What is Adobe's year-over-year change in
    unadjusted operating income from FY2015 to FY2016 (in units of percents…)?", "Apple's net
    sales growth for the three months ended July 1, 2023"): the later year's figure against the
    earlier's, as a percentage. The years are the two the question names, else its year and
    the one before (a statement's columns)."""
    m = _GROWTH.search(question)
    if m is None or asks_why(question):
        return None
    said = _FISCAL.sub(" ", m.group("what1") or m.group("what2"))
    what = " ".join(re.sub(r"^\s*[\w&.]+['’]s\s+", "", said).split())  # "3M's net sales"
    years = ratios.asked_years(question)
    if not what or not years:
        return None
    span = averaged_years(question, years[-1])
    if len(span) != 2:
        return None
    early, late = span
    before = Operand(f"{what} {early}", concept(_NOISE.sub(" ", what)), (early,), "value")
    after = replace(before, text=f"{what} {late}", years=(late,))
    text = f"({after.text} - {before.text}) / {before.text}"
    # Named as the question says it, so the computed line is the cell it asks for.
    name = re.sub(r"^(?:\w+['’]s|the|its)\s+", "", " ".join(m.group(0).split()).lower())
    return Formula(name, Op("/", Op("-", after, before), before), text, percent=True)


def _parsed(name: str, expr: str) -> Formula | None:
    tokens = _tokens(_ASIDE.sub(" ", expr))
    if not any(t in "+-*" for t in tokens) and not _CHANGE.search(expr):
        return None
    parsed = _Parser(tokens).parse()
    if parsed is None or not operands(parsed):
        return None
    name = re.sub(r"^(?:the|and|where|here|note that)\s+", "", " ".join(name.split()).lower())
    return Formula(name, parsed, expr)


def _tokens(expr: str) -> list[str]:
    """Operators as "+ - * / ( )", and the text between them stripped."""
    out: list[str] = []
    at = 0
    for m in _TOKEN.finditer(expr):
        out.append(expr[at : m.start()])
        out.append({"open": "(", "close": ")", "times": "*", "over": "/", "plus": "+",
                    "minus": "-"}[m.lastgroup or ""])  # fmt: skip
        at = m.end()
    out.append(expr[at:])
    return [t.strip(" ,") for t in out if t.strip(" ,")]


class _Parser:
    """Recursive descent over the tokens: sums of products of operands, numbers, brackets."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0

    def parse(self) -> Node | None:
        try:
            node = self._sum()
        except ValueError:
            return None
        return node if self.at == len(self.tokens) else None

    def _peek(self) -> str:
        return self.tokens[self.at] if self.at < len(self.tokens) else ""

    def _sum(self) -> Node:
        node = self._product()
        while self._peek() in ("+", "-"):
            sign = self.tokens[self.at]
            self.at += 1
            node = Op(sign, node, self._product())
        return node

    def _product(self) -> Node:
        node = self._atom()
        while self._peek() in ("*", "/"):
            sign = self.tokens[self.at]
            self.at += 1
            node = Op(sign, node, self._atom())
        return node

    def _atom(self) -> Node:
        token = self._peek()
        self.at += 1
        if token == "(":
            node = self._sum()
            if self._peek() != ")":
                raise ValueError("unclosed bracket")
            self.at += 1
            return node
        if not token or token in "+-*/)":
            raise ValueError(f"an operand expected, not {token!r}")
        if _NUMBER.fullmatch(token):
            return float(token)
        return _operand(token)


def _operand(text: str) -> Operand:
    years = tuple(f"20{a}" if len(a) == 2 else a or b for a, b in _FISCAL.findall(text))
    how = "change" if _CHANGE.search(text) else "average" if _AVERAGE.search(text) else "value"
    return Operand(text, concept(_NOISE.sub(" ", text)), years, how)


def operands(node: Node) -> list[Operand]:
    if isinstance(node, Operand):
        return [node]
    if isinstance(node, Op):
        return operands(node.left) + operands(node.right)
    return []


def evaluate(question: str, formula: Formula, rows: Sequence[Row]) -> tuple[str, list[Row]] | None:
    """The worked-out line and the rows it used; None when an operand has no row with the
    years it needs."""
    values: dict[Operand, tuple[float, str, Row]] = {}
    for operand in operands(formula.expression):
        found = _read(question, operand, rows)
        if found is None:
            return None
        values[operand] = found
    scales = {row.scale for _, _, row in values.values() if row.scale}
    if len(scales) > 1:  # a statement "in millions" beside one "in thousands": bring to one
        values = {op: (v * scale_factor(r.scale) / 1e6, s, r) for op, (v, s, r) in values.items()}
        scale = "in millions"
    else:
        scale = next(iter(scales), "")
    try:
        result = _value(formula.expression, values)
    except ZeroDivisionError:
        return None
    workings = "; ".join(f"{said} = {tables.figure(v)}" for v, said, _ in values.values())
    unit = f" ({scale})" if scale else ""
    # The result first: after "core operating profit = gross margin - …" the 1.5B model gave
    # the gross margin's 4,638 for the -816 at the end of the line.
    line = (f"Computed from the statements: {formula.name} = {_shown(question, formula, result, scale)}."
            f"\nWorked out as {formula.text}, where {workings}{unit}.")  # fmt: skip
    used: list[Row] = []
    for _, _, row in values.values():
        if all(row is not r for r in used):
            used.append(row)
    return line, used


def _read(question: str, operand: Operand, rows: Sequence[Row]) -> tuple[float, str, Row] | None:
    """The operand's value, as written in the workings, and its row. Of rows with the same
    label the larger figure first (a segment's "Net sales" is part of the consolidated)."""
    years = operand.years or tuple(asked_years(question)[-1:])
    # A change or an average spans two years, earlier first (one named: it and the year
    # before, as a balance sheet states them); a value one year (None: the latest).
    two = averaged_years(" ".join(years), years[-1]) if years else ()
    want: tuple[str | None, ...] = two if operand.how != "value" else years[-1:] or (None,)
    candidates = [r for r in rows if matches(r.label, operand.concept)] or [
        r for r in rows if own_label(r.label).startswith(f"{operand.concept} ")
    ]  # "Depreciation and amortization of property and equipment and …"
    candidates.sort(key=lambda r: -max((abs(v) for v in r.values.values()), default=0.0))
    for row in candidates:
        columns = [_column(question, row, year) for year in want]
        if None in columns or len(columns) != (1 if operand.how == "value" else 2):
            continue
        named = [c for c in columns if c is not None]
        found = [figure_of(row, c) for c in named]
        if operand.how == "average":
            return sum(found) / 2, f"average {row.label} ({' and '.join(named)})", row
        if operand.how == "change":
            return found[1] - found[0], f"change in {row.label} ({' to '.join(named)})", row
        return found[0], f"{row.label} ({named[0]})", row
    return None


def _column(question: str, row: Row, year: str | None) -> str | None:
    """The row's column for ``year`` (any year when None) and the period the question asks."""
    columns = [c for c in row.values if year is None or year_of(c) == year]
    return column_for(question, columns) if columns else None


def _value(node: Node, values: dict[Operand, tuple[float, str, Row]]) -> float:
    if isinstance(node, float):
        return node
    if isinstance(node, Operand):
        return values[node][0]
    left, right = _value(node.left, values), _value(node.right, values)
    if node.sign == "+":
        return left + right
    if node.sign == "-":
        return left - right
    if node.sign == "*":
        return left * right
    return left / right


def _shown(question: str, formula: Formula, result: float, scale: str) -> str:
    """A ratio as a percentage or a plain number, an amount in its statement's scale or the
    one the question asks for ("Answer in USD billions")."""
    decimals = _DECIMALS.search(question)
    said = decimals.group(1).lower() if decimals else ""
    places = _WORDS.get(said) or (int(said) if said.isdigit() else None)
    if formula.percent:
        return f"{result * 100:.{1 if places is None else places}f}%"
    if _has_division(formula.expression):
        if _PERCENT.search(formula.name) or re.search(
            r"\bin (?:units of )?percent", question, re.I
        ):
            return f"{result * 100:.{1 if places is None else places}f}%"
        return f"{result:.{2 if places is None else places}f}"
    return amount(question, result, scale, places)


def _has_division(node: Node) -> bool:
    return isinstance(node, Op) and (node.sign == "/" or _has_division(node.left)
                                     or _has_division(node.right))  # fmt: skip
