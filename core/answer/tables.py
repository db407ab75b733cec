"""Table rows as a small model reads them, their scale carried into the answer, and the
aggregates of a small table computed instead of guessed.

A pipe row ("| Support agent | 2 | 08:00-17:00 |") under a header three lines up is easy to
misread: the 1.5B model answered "three days" from the prose rule above a DOCX table and
"Northwind" for the payroll vendor of a CSV (the row before). Each row is shown with its header
names instead ("Role: Support agent; Remote days per week: 2; ..."). Statement tables extracted
from PDFs often have no header row (their column labels are text above the table): their rows
are shown cleaned of empty and "$" cells, after the column labels. A scale stated in the
caption or header ("In millions", "$ in thousands") is repeated on every row and, when the
answer quotes a number of such a row without a scale, added after it. Questions for the
smallest, largest, total or average of a small table get the result computed over all its rows
(a model reading six rows for their minimum is a guess; the arithmetic is not).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_NUMBER = re.compile(r"^[(\-–]?[$€£¥]?\s*[\d][\d.,]*\s*%?\)?%?$")  # "(2)%": a fall
_YEAR = re.compile(r"^(?:19|20)\d\d$")
SCALE_WORD = {"thousands": "thousand", "millions": "million", "billions": "billion"}
_QUOTED_NUMBER = re.compile(r"(?<![\w.,])\$?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w%])")
_FOLLOWING_SCALE = re.compile(r"^\s*\(?(?:in\s+)?(?:thousand|million|billion|bn|m\b|k\b|%|percent)",
                              re.I)  # fmt: skip
ROWS_READ_WHOLE = 40  # a table this small is read whole for an aggregate question

_OPS = {
    "min": re.compile(r"\b(?:smallest|lowest|least|fewest|minimum|cheapest|min)\b", re.I),
    "max": re.compile(r"\b(?:largest|highest|most|biggest|greatest|maximum|max|top)\b", re.I),
    "sum": re.compile(r"\b(?:total|sum|altogether|combined|overall|in all|across all)\b", re.I),
    "mean": re.compile(r"\b(?:average|mean)\b", re.I),
}
_OP_WORDS = re.compile("|".join(p.pattern for p in _OPS.values()), re.I)
_WORD = re.compile(r"[^\W\d_]{3,}")
# A statement's column labels: the periods ("Three Months Ended", "Year Ended") over the dates.
_PERIOD = re.compile(r"\b(?:(?:three|six|nine|twelve|\d{1,2})[- ]months?|(?:\d{1,2}|thirteen|"
                     r"twenty-six|thirty-nine|fifty-two)[- ]weeks?|quarters?|(?:fiscal )?years?)"
                     r"\s+ended\b", re.I)  # fmt: skip
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")  # fmt: skip
_DATE = re.compile(rf"\b{_MONTH}\.?\s+\d{{1,2}},\s*(?:19|20)\d\d\b")
_LABEL_YEAR = re.compile(r"(?<![\d,.$])(?:19|20)\d\d(?![\d,.%])")
# A period's change column after its dates: "Change", "$ Change" or "% Change".
_CHANGE = re.compile(r"\b(?:%\s*)?change\b", re.I)
_COUNTS = {"three": 3, "six": 6, "nine": 9, "twelve": 12, "thirteen": 13, "twenty-six": 26,
           "thirty-nine": 39, "fifty-two": 52}  # fmt: skip
_MONTH_DAY = re.compile(rf"\b{_MONTH}\.?\s+\d{{1,2}}\b")
# The period a question asks about, and the period of a column: quarter, half, nine months, year.
_SPANS = {
    "quarter": re.compile(r"\b(?:quarter(?:ly)?|Q[1-4]|three[- ]months?|13[- ]weeks?)\b", re.I),
    "half": re.compile(r"\b(?:six[- ]months?|half[- ]year|first half|H[12]|26[- ]weeks?)\b", re.I),
    "nine": re.compile(
        r"\b(?:nine[- ]months?|year[- ]to[- ]date|YTD|39[- ]weeks?|first three "
        r"quarters)\b",
        re.I,
    ),
    "year": re.compile(
        r"\b(?:twelve[- ]months?|annual|full[- ]year|fiscal year|years? ended|"
        r"52[- ]weeks?)\b",
        re.I,
    ),
}


def asks_aggregate(question: str) -> bool:
    """Smallest, largest, total or average: a question over every row of a table."""
    return bool(_OP_WORDS.search(question))


def cells(row: str) -> list[str]:
    """The cells of one Markdown pipe row."""
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return _without_shared_prefix([c.strip() for c in inner.split("|")])


def _without_shared_prefix(row: list[str]) -> list[str]:
    """A row whose every cell repeats its first cell's section label ("ASSETS: Current assets:
    Cash and cash equivalents | ASSETS: $ | ASSETS: 28,408 | …": a PDF's label above a table's
    first row, set into each of its cells) without the label in all but the first cell."""
    m = re.match(r"([^:]{2,40}:)\s", row[0]) if row else None
    rest = [c for c in row[1:] if c]
    if m is None or len(rest) < 2 or not all(c.startswith(m.group(1)) for c in rest):
        return row
    return [row[0], *(c.removeprefix(m.group(1)).strip() for c in row[1:])]


def is_header(row: Sequence[str]) -> bool:
    """A real header names its columns; a PDF table's first data row has numbers in them."""
    values = [c for c in row[1:] if c and c != "$"]
    numeric = [c for c in values if _is_number(c) and not _YEAR.match(c)]
    return bool(values) and len(numeric) * 2 < len(values)


def row_text(
    header: Sequence[str | None] | None,
    row: Sequence[str],
    scale: str = "",
    columns: Sequence[str | None] = (),
) -> str:
    """One row as the model reads it: "Name: value; ..." under a real header; else, for a
    statement row with a figure under each of ``columns`` (its period labels; None: a column
    not shown), "Gross margin — Three Months Ended July 1, 2023: 36,413; ..."; else the
    non-empty cells. The table's scale at its end."""
    suffix = f" ({scale})" if scale else ""
    if header is not None and len(header) >= len([c for c in row if c]):
        shown = [(h, v) for h, v in zip(header, row, strict=False) if v and h is not None]
        pairs = [f"{h}: {v}" if h else v for h, v in shown]
        return "; ".join(pairs) + suffix
    kept = _figures(row)
    if _fits(kept, columns):
        pairs = [f"{c}: {v}" for c, v in zip(columns, kept[1:], strict=True) if c is not None]
        return f"{kept[0]} — " + "; ".join(pairs) + suffix
    return " | ".join(kept) + suffix


def labelled_values(
    header: Sequence[str | None] | None, row: Sequence[str], columns: Sequence[str | None]
) -> tuple[str, dict[str, float]]:
    """A row's label and its figures by column name, read as :func:`row_text` shows them
    (hidden columns left out); no figures when the row does not read under ``columns``."""
    if header is not None:
        pairs = [(h, v) for h, v in zip(header[1:], row[1:], strict=False)
                 if h and _value(v) is not None]  # fmt: skip
        if len({h for h, _ in pairs}) < len(pairs):  # "Amount" over each period: which is which?
            return "", {}
        label = row[0] if row else ""
    else:
        kept = _figures(row)
        if not _fits(kept, columns):
            return "", {}
        label, pairs = kept[0], [(c, v) for c, v in zip(columns, kept[1:], strict=True) if c]
    # A percentage ("696.2 %", a change column's "8%") is no amount: never scaled or divided.
    return label, {h: x for h, v in pairs if "%" not in v and (x := _value(v)) is not None}


def reads_under(row: Sequence[str], columns: Sequence[str | None]) -> bool:
    """Whether :func:`row_text` shows ``row``'s figures under ``columns``."""
    return _fits(_figures(row), columns)


def _fits(kept: Sequence[str], columns: Sequence[str | None]) -> bool:
    """A label and one figure per column."""
    return bool(columns) and len(kept) == len(columns) + 1 and all(map(_is_number, kept[1:]))


def _figures(row: Sequence[str]) -> list[str]:
    """A statement row's non-empty cells, a "$" cell dropped and a "%" cell joined to the
    figure before it (PDF statements set both apart: "| 12.5 | % | 15.7 | % |")."""
    kept: list[str] = []
    for cell in row:
        if cell == "%" and kept:
            kept[-1] += "%"
        elif cell and cell != "$":
            kept.append(cell)
    return kept


def period_columns(labels: str) -> list[str]:
    """A statement's column labels from the text above its figures: the dates (or years), each
    under its period when the periods divide them evenly ("Three Months Ended Nine Months Ended
    July 1, 2023 June 25, 2022 July 1, 2023 June 25, 2022" is four columns), and each period's
    "Change" columns after its dates. The 1.5B model, shown that line once above bare figures,
    read the nine-month column as the quarter's."""
    text = " ".join(labels.split())
    dates = _DATE.findall(text)
    if len(dates) < 2:  # "Three Months Ended March 31, 2022 2023": one month and day, years
        days = _MONTH_DAY.findall(text)
        years = _LABEL_YEAR.findall(_DATE.sub(lambda m: m.group(0)[-4:], text))
        dates = [f"{days[0]}, {y}" if len(days) == 1 else y for y in years]
    if len(dates) < 2:
        return []
    periods = _shortest_first([" ".join(m.group(0).split()) for m in _PERIOD.finditer(text)])
    if not periods:
        return dates
    changes = len(_CHANGE.findall(text))
    distinct = list(dict.fromkeys(dates))
    if len(dates) % len(periods) and len(distinct) * len(periods) > len(dates):
        # A PDF that set a date's lines apart lost one ("July 1, July 1, 2023 June 25, 2022
        # Change 2023 …", Apple's MD&A): a 10-Q states the same dates under each period.
        dates = distinct * len(periods)
    if len(dates) % len(periods):
        return dates
    per = len(dates) // len(periods)
    if any(len(set(dates[i * per : (i + 1) * per])) < per for i in range(len(periods))):
        # One period's own dates repeat: a period label was lost ("Nine Months Ended Twelve
        # Months Ended" over six dates, Amazon's cash flows without their "Three Months").
        return []
    # "Change" said other than the same number of times per period is no column.
    change = 0 if changes % len(periods) else changes // len(periods)
    return [label for i, period in enumerate(periods)
            for label in [f"{period} {d}" for d in dates[i * per : (i + 1) * per]]
            + [f"{period} change"] * change]  # fmt: skip


def _shortest_first(periods: list[str]) -> list[str]:
    """The periods in column order: a 10-Q states the quarter before the year to date, but
    Amazon's PDFs give the right-hand label first ("Nine Months Ended Three Months Ended
    September 30, …": 33 of the 143 two-period tables of the twenty 10-Qs), which put the
    nine-month figures under the quarter. Left as written unless each has its own length."""
    lengths = [_months(p) for p in periods]
    if None in lengths or len(set(lengths)) < len(lengths):
        return periods
    return [p for _, p in sorted(zip(lengths, periods, strict=True))]


def _months(period: str) -> int | None:
    """A period label's length in months ("Nine Months Ended": 9, "13 Weeks Ended": 3)."""
    first = re.split(r"[\s-]+months?|[\s-]+weeks?|\s", period.lower())[0]
    count = _COUNTS.get(first) or (int(first) if first.isdigit() else None)
    if re.search(r"\bweeks?\b", period, re.I):
        return None if count is None else round(count * 12 / 52)
    if re.search(r"\bquarters?\b", period, re.I):
        return 3
    if re.search(r"\byears?\b", period, re.I):
        return 12
    return count


def asked_periods(question: str, labels: Sequence[str]) -> list[str | None]:
    """Column labels with those of other periods than the question's hidden (None); labels
    that name no period stay. A question that names no period is about the first (a 10-Q
    states the quarter first): asked for "the gross margin in the latest 10-Q", the model read
    the nine-month figure of the same date, and Intel's tax rate "in the most recent 10-Q"
    from "| Q3 2023 | Q3 2022 | YTD 2023 | YTD 2022 |"'s YTD column (51.4% for 696.2%)."""
    spans = {i: span for i, label in enumerate(labels) if (span := span_of(label))}
    if len(set(spans.values())) < 2:
        return list(labels)
    asked = asked_spans(question)
    wanted = (asked & set(spans.values())) or {spans[min(spans)]}
    return [label if i not in spans or spans[i] in wanted else None
            for i, label in enumerate(labels)]  # fmt: skip


def asked_spans(question: str) -> set[str]:
    """The periods a question names: "quarter", "half", "nine" (months), "year"."""
    return {name for name, pattern in _SPANS.items() if pattern.search(question)}


def span_of(label: str) -> str | None:
    """The period a column label names, as :func:`asked_spans` says it."""
    return next((name for name, pattern in _SPANS.items() if pattern.search(label)), None)


def carry_scale(answer: str, evidence: Sequence[str]) -> str:
    """Numbers the answer copied from a scaled row ("(in millions)") get the scale after them
    when the answer gave none: "36,413" from a statement in millions is "36,413 million"."""
    scaled: dict[str, str] = {}
    for text in evidence:
        for line in text.splitlines():
            m = re.search(r"\(in (thousands|millions|billions)\)\s*$", line)
            if m:
                for num in _QUOTED_NUMBER.findall(line[: m.start()]):
                    # not a "1" or "12.5", nor a column's year ("Three Months Ended … 2023")
                    if len(num.replace(",", "").split(".")[0]) >= 3 and not _YEAR.match(num):
                        scaled.setdefault(num, SCALE_WORD[m.group(1)])
    if not scaled:
        return answer
    out, last = [], 0
    for m in _QUOTED_NUMBER.finditer(answer):
        word = scaled.get(m.group(1))
        if word and not _FOLLOWING_SCALE.match(answer[m.end() :]):
            out.append(answer[last : m.end()] + f" {word}")
            last = m.end()
    return "".join(out) + answer[last:]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


def aggregates(question: str, table: Table) -> str:
    """The smallest/largest/total/average the question asks for, over the column it names
    (or the table's only numeric column), with the row labels; "" when it asks for none."""
    ops = _ops(question)
    if not ops or not table.rows or len(table.rows) > ROWS_READ_WHOLE:
        return ""
    column = _column(question, table)
    if column is None:
        return ""
    values = [(table.rows[k][0], v) for k, v in _column_values(table, column).items()]
    if len(values) < 2:
        return ""
    name = table.header[column]
    parts = []
    if "min" in ops:
        label, v = min(values, key=lambda x: x[1])
        parts.append(f"smallest {name}: {label} ({figure(v)})")
    if "max" in ops:
        label, v = max(values, key=lambda x: x[1])
        parts.append(f"largest {name}: {label} ({figure(v)})")
    if "sum" in ops:
        parts.append(f"total {name} of the {len(values)} rows: {figure(sum(v for _, v in values))}")
    if "mean" in ops:
        parts.append(f"average {name}: {figure(sum(v for _, v in values) / len(values))}")
    return "Computed over the whole table: " + "; ".join(parts) + "."


def parse(text: str) -> Table | None:
    """The first table with a real header in ``text`` (Markdown pipe rows), else None."""
    lines = [ln for ln in text.splitlines() if ln.strip().startswith("|")]
    rows = [cells(ln) for ln in lines if not re.match(r"^\s*\|?\s*:?-{2,}", ln)]
    if len(rows) < 2 or not is_header(rows[0]):
        return None
    return Table(rows[0], rows[1:])


def extreme_rows(question: str, table: Table) -> list[int] | None:
    """For a question after only the smallest or largest: the indices (into ``table.rows``)
    of the rows holding it, which are all the model needs to read; None for other questions.
    Shown the whole budget sheet and the computed line, the 1.5B model still named its first
    row as the smallest."""
    ops = _ops(question)
    column = _column(question, table) if ops and ops <= {"min", "max"} else None
    if column is None:
        return None
    values = _column_values(table, column)
    if len(values) < 2:
        return None
    wanted = {min(values.values())} if "min" in ops else set()
    wanted |= {max(values.values())} if "max" in ops else set()
    return [k for k, v in values.items() if v in wanted]


def _ops(question: str) -> set[str]:
    """The aggregates the question asks for: "min", "max", "sum", "mean"."""
    return {op for op, pattern in _OPS.items() if pattern.search(question)}


def _column_values(table: Table, column: int) -> dict[int, float]:
    """The numbers of one column by row index, total rows left out (not counted twice)."""
    return {k: v for k, r in enumerate(table.rows)
            if len(r) > column and (v := _value(r[column])) is not None and not _is_total(r[0])}  # fmt: skip


def _column(question: str, table: Table) -> int | None:
    numeric = [i for i in range(1, len(table.header))
               if sum(_value(r[i]) is not None for r in table.rows if len(r) > i) * 2 > len(table.rows)]  # fmt: skip
    if not numeric:
        return None
    asked = {w.lower()[:5] for w in _WORD.findall(_OP_WORDS.sub(" ", question))}
    named = [i for i in numeric if asked & {w.lower()[:5] for w in _WORD.findall(table.header[i])}]
    if len(named) == 1:
        return named[0]
    # The only numeric column, when the question names one of the table's columns at all:
    # "the smallest budget" is not computed over a travel policy's expense limits.
    about = asked & {w.lower()[:5] for cell in table.header for w in _WORD.findall(cell)}
    return numeric[0] if len(numeric) == 1 and about else None


def _is_number(cell: str) -> bool:
    return bool(_NUMBER.match(cell.replace(" ", "")))


def _value(cell: str) -> float | None:
    raw = cell.strip()
    if not _is_number(raw) or _YEAR.match(raw):
        return None
    negative = raw.startswith(("(", "-", "–"))
    digits = re.sub(r"[^\d.,]", "", raw)
    if re.match(r"^\d{1,3}(\.\d{3})+(,\d+)?$", digits):  # 1.234,56: German thousands
        digits = digits.replace(".", "").replace(",", ".")
    try:
        value = float(digits.replace(",", ""))
    except ValueError:
        return None
    return -value if negative else value


def _is_total(label: str) -> bool:
    return bool(re.match(r"^\s*(?:total|sum|gesamt|summe|合计|总计)\b", label, re.I))


def figure(value: float) -> str:
    """A computed value as a statement prints it: "143,083", "267.50"."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
