"""Who a report is by and what kind it is, read from the document itself.

People name a company the way they say it ("Apple", "AAPL", "American Express", "IBM"), not
the way its files are named (``report-final.pdf``). A filing's cover states the registrant's
exact name, its ticker symbols, the form and the period; an earnings release names the company
with its legal suffix and often "(NASDAQ: EXH)". These become the document's identity words,
which the card search matches and the passage query leaves out:

- the issuer's name as written ("Example Holdings, Inc."), its short form without the legal
  suffix ("example holdings"), the short form run together ("exampleholdings", as file names
  write it) and, for three words or more, its initials ("International Business Machines" ->
  "ibm");
- ticker symbols from a cover's "Trading Symbol(s)" table or an exchange prefix;
- the form or document type ("10-Q" -> ``10q`` plus "quarterly report").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Words that make a name legal rather than telling it apart; never identity words on their own.
LEGAL_WORDS = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "companies",
        "ltd",
        "limited",
        "plc",
        "llc",
        "lp",
        "llp",
        "nv",
        "sa",
        "ag",
        "se",
        "gmbh",
        "spa",
        "bv",
        "holdings",
        "holding",
        "group",
        "the",
        "and",
        "of",
    ]
)
_COVER_LINES = 120  # a filing's cover fits in its first page's first lines
_HEADER_CHARS = 1500  # a release or letter names its company near the top, not in its body
_REGISTRANT = re.compile(r"\(\s*exact name of (?:the )?registrant", re.I)
_TRADING = re.compile(r"trading\s+symbol", re.I)
_TICKER = re.compile(r"^[A-Z]{1,5}(?:\.[A-Z])?$")
_EXCHANGE_TICKER = re.compile(
    r"\((?:NYSE|NASDAQ|Nasdaq|NYSE American|LSE|TSX|ASX|XETRA)\s*:\s*([A-Z]{1,5}(?:\.[A-Z])?)\)"
)
# Title or upper case as cover pages write them ("Inc." / "INC."), never lower case in prose.
_LEGAL_SUFFIX = (
    r"(?:Inc\.?|INC\.?|Incorporated|INCORPORATED|Corporation|CORPORATION|Corp\.?|CORP\.?|"
    r"Company|COMPANY|Co\.|CO\.|Ltd\.?|LTD\.?|plc|PLC|LLC|L\.P\.|N\.V\.|S\.A\.|AG|SE|GmbH|"
    r"S\.p\.A\.)"
)
# "Example Holdings, Inc." / "NVIDIA CORPORATION" / "3M Company": capitalised words (or a
# number glued to letters, not a date's "31, 2023"), then a legal suffix.
_LEGAL_NAME = re.compile(
    r"\b((?:(?:[A-Z]|\d+[A-Za-z])[\w&'.\-]*,?\s+){1,5}?)" + _LEGAL_SUFFIX + r"(?![\w])",
)
_RULE = re.compile(r"_{3,}")
_FILE_NUMBER = re.compile(r"^.*?\bfile\s+(?:no\.?|number)\s*:?\s*[\d-]+\s*", re.I)
# A filing's form: its code (as queries write it once normalised) and what people call it.
_FORMS = {
    "10-K": ("10k", "annual report"),
    "10-Q": ("10q", "quarterly report"),
    "8-K": ("8k", "current report"),
    "20-F": ("20f", "annual report"),
    "6-K": ("6k", "report"),
    "40-F": ("40f", "annual report"),
}
_FORM = re.compile(r"\bFORM\s+(10-K|10-Q|8-K|20-F|6-K|40-F)\b", re.I)
_FORM_MENTION = re.compile(r"\b(10|8|20|6|40)[\s-]?([KQFkqf])\b")
_KINDS = (
    (re.compile(r"\bannual report\b", re.I), "annual report"),
    (
        re.compile(
            r"\b(?:earnings|press) release\b|\breports? (?:\w+ ){0,3}(?:quarter|year)\w* "
            r"results",
            re.I,
        ),
        "earnings release",
    ),
    (re.compile(r"\bminutes of\b|\bmeeting minutes\b", re.I), "minutes"),
)
_NOT_TICKERS = frozenset(
    {"N/A", "NA", "NONE", "OR", "AND", "THE", "USA", "US", "LLC", "INC", "NYSE", "NASDAQ", "SEC",
     "LSE", "PLC", "CORP", "CO", "LTD", "LP", "ADS", "ADR", "I", "A"}
)  # fmt: skip
_CAPS_WORD = re.compile(r"(?<![\w$.])[A-Z]{2,5}(?:\.[A-Z])?(?![\w])")
_NAME_WORDS = 6  # a registrant's name without a legal suffix is short


@dataclass(frozen=True)
class Issuer:
    names: tuple[str, ...] = ()  # as written on the document
    tickers: tuple[str, ...] = ()
    form: str = ""  # the form's code: "10q", "10k", "8k"; "" when not a filing
    kind: str = ""  # what people call it: "quarterly report", "earnings release", "minutes"

    def words(self) -> str:
        """The words that name the document: names, their short forms and initials, tickers
        and the form's code (not its kind, whose words questions also use for content)."""
        out: list[str] = []
        for name in self.names:
            out += aliases(name)
        out += [t.lower() for t in self.tickers]
        if self.form:
            out.append(self.form)
        return " ".join(dict.fromkeys(out))


def read_issuer(first_pages: str) -> Issuer:
    """The issuer, tickers and form stated in a document's opening text."""
    # Table cells count as lines: a parsed cover may hold its symbols in a Markdown table.
    lines = [cell.strip() for line in first_pages.splitlines()[:_COVER_LINES]
             for cell in line.split("|")]  # fmt: skip
    names = _registrant(lines) or _legal_names(first_pages[:_HEADER_CHARS])
    tickers = _cover_tickers(lines) + _EXCHANGE_TICKER.findall(first_pages)
    form, kind = _form(first_pages)
    return Issuer(tuple(dict.fromkeys(names)), tuple(dict.fromkeys(tickers)), form, kind)


def aliases(name: str) -> list[str]:
    """``American Express Company`` -> [``american express company``, ``americanexpress``,
    ``amex``, ``ameex``]; three or more distinctive words add their initials (``ibm``)."""
    words = re.findall(r"[\w&]+", name.lower())
    core = [w for w in words if w not in LEGAL_WORDS] or words
    out = [" ".join(words)]
    if len(core) > 1:
        out.append("".join(core))
    if len(core) == 2:  # the clipped blends people say: "AmEx", "FedEx" (Federal Express)
        out += [core[0][:2] + core[1][:2], core[0][:3] + core[1][:2]]
    if len(core) >= 3:
        out.append("".join(w[0] for w in core))
    return out


def identity_words(text: str) -> set[str]:
    """The words of identity text that name a document on their own (legal words do not)."""
    return {w for w in re.findall(r"\w+", text.lower()) if w not in LEGAL_WORDS and len(w) > 1}


def _registrant(lines: list[str]) -> list[str]:
    """The name right before "(Exact name of registrant as specified in its charter)", on its
    line or the line above (a parsed cover may join it to "Commission File No. ...")."""
    for i, line in enumerate(lines):
        m = _REGISTRANT.search(line)
        if not m:
            continue
        same = line[: m.start()].strip()
        before = [x for x in lines[max(0, i - 3) : i] if x]
        text = same or (before[-1] if before else "")
        text = _FILE_NUMBER.sub("", _RULE.split(text)[-1]).strip(" ,;")
        legal = [x.group(0) for x in _LEGAL_NAME.finditer(text)]
        if legal:
            return [legal[-1].strip()]
        if text and len(text.split()) <= _NAME_WORDS:
            return [text]
    return []


def _legal_names(text: str) -> list[str]:
    """The most frequent company name with a legal suffix in the opening text."""
    found = Counter(" ".join(m.group(0).split()).strip(",") for m in _LEGAL_NAME.finditer(text))
    if not found:
        return []
    best, _ = found.most_common(1)[0]
    return [best]


def _cover_tickers(lines: list[str]) -> list[str]:
    """Symbols in the cover's "Trading Symbol(s)" table: upper-case words after it (a
    one-letter symbol only on a line of its own)."""
    for i, line in enumerate(lines):
        m = _TRADING.search(line)
        if not m:
            continue
        rest = [line[m.end() :], *lines[i + 1 : i + 40]]
        found = [x for x in rest if _TICKER.match(x)]
        found += [w for x in rest for w in _CAPS_WORD.findall(x)]
        return list(dict.fromkeys(x for x in found if x not in _NOT_TICKERS))
    return []


def normalise_forms(text: str) -> str:
    """ "10-Q" and "Form 10 Q" as the card writes them (``10q``), so a query matches the code."""
    return _FORM_MENTION.sub(lambda m: f"{m.group(1)}{m.group(2).lower()}", text)


def _form(text: str) -> tuple[str, str]:
    m = _FORM.search(text)
    if m:
        return _FORMS[m.group(1).upper()]
    for pattern, kind in _KINDS:
        if pattern.search(text[:3000]):
            return "", kind
    return "", ""
