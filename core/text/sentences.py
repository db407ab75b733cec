"""One sentence splitter for the whole engine, with character offsets.

Evidence units, citations, chunking, exact pages, the PDF highlighter and the test models all
cut text into sentences; they do it here, each through a thin wrapper, so "3.5", "Dr. Smith",
"am 12. Juli 2025" and "第一句。第二句。" are read alike everywhere.

A full stop (and ! ? …) ends a sentence when whitespace and a word that does not start in
lower case follow, unless the word before it is an abbreviation, an initial or an ordinal
number (:mod:`.abbreviations`). CJK 。！？, the Devanagari danda and the Arabic ؟ end one with or
without a space after. Closing quotes and brackets after the mark stay with the sentence.

Lines: a blank line, and a line that starts a list item, a key–value pair ("Owner: Anna"), a
Markdown heading, a quote or a table row, always start a new sentence, and so does a line after
one that ends a sentence or a lead-in (a colon). Any other line break inside a paragraph is a
hard wrap (the sentence goes on) when the next line starts in lower case, the line before
ends in a comma or another mark that ends no sentence here, or the line
before was wrapped (long, and the next line's first word would not have fitted on it) and the
line before ends in a word and the next is not in capitals (a heading).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from sourcewise.core.text.abbreviations import (
    BEFORE_NUMBER,
    MAYBE_FINAL,
    NEVER_FINAL,
    ORDINAL_BEFORE,
    ORDINAL_NEXT,
    STARTERS,
)
from sourcewise.core.text.words import WORD

_CLOSERS = "\"'”’»›)\\]}」』）】〕》〉"
_OPENERS = "\"'“‘„‚«‹(\\[{¿¡「『（【〔《〈"
# Marks that end a sentence only before whitespace, and marks that end one anyway (scripts
# written without spaces, and ones whose text has no case to look at).
_SPACED = ".!?…‼⁇⁈⁉"
_UNSPACED = "。！？｡।॥؟۔．"
_END = re.compile(rf"(?:[{_SPACED}{_UNSPACED}]+)[{_CLOSERS}]*")
# Clause marks: where a too-long sentence may be cut (chunking, highlighting), never an end.
_CLAUSE = re.compile(rf"(?:[;:](?=\s)|[；：؛])[{_CLOSERS}]*")
_ENDS_LINE = re.compile(rf"[{_SPACED}{_UNSPACED}][{_CLOSERS}]*\s*$")
# A line ending like this continues on the next; a colon does not (it introduces a list or a
# table as often as it runs on).
_GOES_ON = re.compile(r"[,;(\-–—/&+，、；]\s*$")
# Lines that start a new unit whatever came before.
_STRUCTURAL = re.compile(
    r"""^[ \t]*(?:
        [-*+•·▪‣◦–][ \t]                # a bullet
      | \d{1,3}[.)][ \t]                # "1. " "2) "
      | [a-z][)][ \t] | \([\w]{1,4}\)[ \t]   # "a) " "(iv) "
      | \#{1,6}[ \t] | \| | >           # a Markdown heading, a table row, a quote
    )""",
    re.X,
)
_KEY_VALUE = re.compile(r"^[ \t]*([^\W\d_][\w ()/&'’-]{0,39}?)[ \t]*(?::(?:\s|$)|：)")
_INITIALS = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")
_NUMBERING = re.compile(r"\d{1,3}(?:\.\d{1,3})*")  # "1", "2.3": an item or section number
_LONG = 50  # display columns: a line this wide may be a hard-wrapped one
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")


@dataclass(frozen=True)
class Sentence:
    """A sentence of ``text[start:end]``; ``text`` reads it with its line breaks as spaces (none
    between two CJK characters)."""

    start: int
    end: int
    text: str


def sentences(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    wrapped: bool = True,
    clauses: bool = False,
    attach: re.Pattern[str] | None = None,
) -> list[Sentence]:
    """The sentences of ``text[start:end]`` in order, trimmed, with offsets into ``text``.

    ``wrapped=False`` makes every line break an end (a model's answer is not hard-wrapped);
    ``clauses`` also cuts after ; and : (for pieces that must be short); ``attach`` matches
    what follows a sentence's end and belongs to it (citation markers "[1][2]")."""
    stop = len(text) if end is None else end
    out: list[Sentence] = []
    for a, b in _runs(text, start, stop, wrapped):
        cut = a
        for cut_at in _ends(text, a, b, clauses, attach):
            _emit(text, cut, cut_at, out)
            cut = cut_at
        _emit(text, cut, b, out)
    return out


def first_sentence(text: str) -> str | None:
    """The first sentence of ``text`` when it ends with a sentence mark, else None."""
    found = sentences(text)
    if found and _ENDS_LINE.search(found[0].text):
        return found[0].text
    return None


def ends_sentence(line: str) -> bool:
    """Whether ``line`` ends with a sentence mark (closing quotes and brackets allowed)."""
    return _ENDS_LINE.search(line) is not None


def starts_unit(line: str) -> bool:
    """A list item, key–value pair, heading, quote or table row: always a new unit."""
    if _STRUCTURAL.match(line):
        return True
    kv = _KEY_VALUE.match(line)
    return kv is not None and not kv.group(1)[0].islower()


# -- lines -------------------------------------------------------------------------------------
def _runs(text: str, start: int, stop: int, wrapped: bool) -> list[tuple[int, int]]:
    """Spans of consecutive lines that read as one text (a paragraph, or one line of it)."""
    lines, pos = [], start
    while pos <= stop:
        nl = text.find("\n", pos, stop)
        line_end = stop if nl < 0 else nl
        lines.append((pos, line_end))
        pos = line_end + 1
    runs: list[tuple[int, int]] = []
    para: list[tuple[int, int]] = []
    for span in [*lines, (stop, stop)]:
        if text[span[0] : span[1]].strip():
            para.append(span)
        elif para:
            runs.extend(_paragraph_runs(text, para, wrapped))
            para = []
    return runs


def _paragraph_runs(
    text: str, lines: list[tuple[int, int]], wrapped: bool
) -> list[tuple[int, int]]:
    widths = [_width(text[a:b].rstrip()) for a, b in lines]
    widest = max(widths)
    # Hard-wrapped text has several lines near its width; one long line among short ones
    # (a caption over a table's header cells) is not a wrapped paragraph.
    if sum(w >= 0.8 * widest for w in widths) < 2:
        widest = 1 << 30
    runs = [lines[0]]
    for (pa, pb), (a, b) in itertools.pairwise(lines):
        if wrapped and _continues(text[pa:pb], text[a:b], widest):
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs


def _continues(prev: str, line: str, widest: int) -> bool:
    """Whether ``line`` goes on with the sentence of ``prev`` (a hard wrap)."""
    if starts_unit(line) or (_STRUCTURAL.match(prev) and prev.lstrip()[:1] in "#|>"):
        return False
    body = line.lstrip().lstrip(_OPENERS)
    if not body or body[0].islower():
        return True
    if ends_sentence(prev):  # the line ends a sentence, unless with a title ("Dr.\nSmith")
        last = prev.rsplit(maxsplit=1)[-1].lstrip(_OPENERS).lower()
        return last[:-1] in NEVER_FINAL or (len(last) == 2 and last[0].isalpha())
    if prev.rstrip().endswith((":", "：")):
        return False  # a lead-in: a list or a table follows
    if _GOES_ON.search(prev):
        return True
    if body.isupper() or not prev.rstrip()[-1].isalpha():
        return False  # "TABLE OF CONTENTS" is a heading; "... $ 9,853" a table row as text
    first_word = body.split()[0]
    width = _width(prev.rstrip())
    return width >= _LONG and width + 1 + _width(first_word) > widest


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


# -- sentence ends -------------------------------------------------------------------------------
def _ends(text: str, a: int, b: int, clauses: bool, attach: re.Pattern[str] | None) -> list[int]:
    """Offsets in ``(a, b)`` where a sentence ends."""
    out: list[int] = []
    marks = [(m.start(), m.end(), m.group()) for m in _END.finditer(text, a, b)]
    if clauses:
        marks += [(m.start(), m.end(), ":") for m in _CLAUSE.finditer(text, a, b)]
        marks.sort()
    for m_start, m_end, mark in marks:
        tail = attach.match(text, m_end, b) if attach is not None else None
        end = tail.end() if tail else m_end
        if end >= b or (out and end <= out[-1]):
            continue
        # Markers after the mark ("2200 W.[2] Call us.") say that the writer ended there.
        closed = tail is not None and text[end].isspace()
        if closed or mark == ":" or _is_end(text, m_start, mark, end, b, out[-1] if out else a):
            out.append(end)
    return out


def _is_end(text: str, m_start: int, mark: str, end: int, b: int, cut: int) -> bool:
    marks = mark.rstrip(_CLOSERS)
    if any(c in _UNSPACED for c in marks):
        # A full-width full stop between digits or Latin letters is a decimal point or a dot.
        return not (
            marks == "．" and text[end : end + 1].isascii() and text[end : end + 1].isalnum()
        )
    if not text[end].isspace():
        return False  # "3.5", "e.g.x", "U.S.-based"
    nxt = end
    while nxt < b and (text[nxt].isspace() or text[nxt] in _OPENERS):
        nxt += 1
    if nxt >= b:
        return True
    if text[nxt].islower():
        return False
    if marks != ".":
        return True
    word_start = m_start
    while word_start > cut and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:m_start].lstrip(_OPENERS)
    return not _abbreviation(word, text, cut, word_start, (end, nxt), b)


def _abbreviation(
    word: str, text: str, cut: int, word_start: int, gap: tuple[int, int], b: int
) -> bool:
    """Whether the full stop after ``word`` belongs to it rather than ending the sentence;
    ``gap`` is the whitespace and opening marks between it and the next word."""
    nxt = gap[1]
    w = word.lower()
    if not w:
        return False
    following = WORD.match(text, nxt, b)
    after = following.group().lower() if following else ""
    if w in NEVER_FINAL or (w in BEFORE_NUMBER and text[nxt].isdigit()):
        return True
    first = not text[cut:word_start].strip()
    if _NUMBERING.fullmatch(w):
        before = text[cut:word_start].split()
        ordinal = after in ORDINAL_NEXT or (bool(before) and before[-1].lower() in ORDINAL_BEFORE)
        return first or (w.isdigit() and ordinal)
    if w in MAYBE_FINAL or _INITIALS.fullmatch(w) or (len(w) == 1 and w.isalpha()):
        initial = (
            following is not None
            and len(after) == 1
            and text[following.end() : following.end() + 1] == "."
        )
        bracket = "(" in text[gap[0] : gap[1]]  # "Acme, Inc. (“Acme”) reported ..."
        return initial or bracket or after not in STARTERS
    return False


def _emit(text: str, a: int, b: int, out: list[Sentence]) -> None:
    piece = text[a:b]
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    if body:
        out.append(Sentence(a + lead, a + lead + len(body), one_line(body)))


def one_line(text: str) -> str:
    """``text`` with each line break (and the spaces around it) read as one space, or as
    nothing between two CJK characters: how a hard-wrapped sentence is quoted."""
    return _LINE_BREAK.sub(_join, text)


def _join(m: re.Match[str]) -> str:
    """A line break inside a sentence reads as a space, or as nothing between CJK characters."""
    s = m.string
    before, after = s[m.start() - 1 : m.start()], s[m.end() : m.end() + 1]
    wide = bool(before and after) and _width(before) == 2 and _width(after) == 2
    return "" if wide else " "
