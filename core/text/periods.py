"""Periods named in text or queries, normalised to tokens that match one another.

Reports are named by period in many ways: "FY2018", "fiscal 2018", "2018", "Q2 2023",
"2Q23", "second quarter of 2023", "March 2023". Each becomes the same small set of tokens
(``y2018``, ``2023q2`` plus ``q2``, ``2023m03``) whether it is found in a document's card or in a
query, so the keyword search over cards matches them exactly. Bare years count as fiscal
years: a question about "FY2018" must find a file named ``acme_2018.pdf``.
"""

from __future__ import annotations

import re

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
             "4th": 4}  # fmt: skip
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}  # fmt: skip
_MONTHS.update({m[:3]: n for m, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9
MONTH_NAMES = frozenset(_MONTHS)  # lower case, whole and short: "september", "sep", "sept"

_YEAR = r"((?:19|20)\d{2})"
# A year glued to letters or digits ("acme2018q2", "fy2018") still counts; longer numbers do not.
_BARE_YEAR = re.compile(r"(?<!\d)" + _YEAR + r"(?!\d)")
_FY_SHORT = re.compile(r"\bfy\s*'?(\d{2})(?!\d)", re.I)
# A four-digit year may follow after a space; a two-digit one only glued on ("Q2'23", "2Q23").
_QUARTER_FIRST = re.compile(
    r"\bq([1-4])(?:[\s_/-]*(?:fy\s*)?((?:19|20)\d{2})|[-'/]?(\d{2}))?(?!\d)", re.I
)
_QUARTER_NUM_FIRST = re.compile(r"\b([1-4])q(?:\s*((?:19|20)\d{2})|'?(\d{2}))?(?!\d)", re.I)
_YEAR_QUARTER = re.compile(r"(?<!\d)" + _YEAR + r"[\s_-]*q([1-4])(?![0-9])", re.I)
_QUARTER_WORDS = re.compile(
    r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?quarter"
    r"(?:\s+(?:of\s+)?(?:fiscal\s+(?:year\s+)?|fy\s*)?" + _YEAR + r")?",
    re.I,
)
_MONTH_YEAR = re.compile(
    r"\b("
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?\s+(?:\d{1,2},?\s+)?"
    + _YEAR
    + r"\b",
    re.I,
)
_ISO_DATE = re.compile(r"(?<!\d)" + _YEAR + r"-(0[1-9]|1[0-2])(?:-\d{2})?(?!\d)")


def period_tokens(text: str) -> list[str]:
    """The period tokens of ``text``, in order of first appearance, each once."""
    found: list[str] = []
    for m in _BARE_YEAR.finditer(text):
        found.append(f"y{m.group(1)}")
    for m in _FY_SHORT.finditer(text):
        found.append(f"y20{m.group(1)}")
    for pattern in (_QUARTER_FIRST, _QUARTER_NUM_FIRST):
        for m in pattern.finditer(text):
            found += _quarter(int(m.group(1)), m.group(2), m.group(3))
    for m in _YEAR_QUARTER.finditer(text):
        found += _quarter(int(m.group(2)), m.group(1), None)
    for m in _QUARTER_WORDS.finditer(text):
        found += _quarter(_ORDINALS[m.group(1).lower()], m.group(2), None)
    for m in _MONTH_YEAR.finditer(text):
        found.append(f"{m.group(2)}m{_MONTHS[m.group(1).lower()]:02d}")
    for m in _ISO_DATE.finditer(text):
        found.append(f"{m.group(1)}m{m.group(2)}")
    return list(dict.fromkeys(found))


def _quarter(q: int, year: str | None, short_year: str | None) -> list[str]:
    full = year or (f"20{short_year}" if short_year else None)
    return [f"q{q}"] + ([f"{full}q{q}", f"y{full}"] if full else [])


_DATED = re.compile(r"^((?:19|20)\d{2})(?:m(\d{2})|q([1-4]))$")


def recency(tokens: str) -> tuple[int, int] | None:
    """How recent a document's period tokens are, as (year, month of the period's end); bare
    years count only when nothing finer is known (a cover also mentions "Notes due 2042")."""
    finer = []
    years = []
    for token in tokens.split():
        m = _DATED.match(token)
        if m:
            month = int(m.group(2)) if m.group(2) else 3 * int(m.group(3))
            finer.append((int(m.group(1)), month))
        elif token.startswith("y") and token[1:].isdigit():
            years.append((int(token[1:]), 0))
    return max(finer or years, default=None)
