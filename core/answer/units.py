"""Units of a passage: its sentences of prose and its table rows, each table row with its header.

The evidence step (:mod:`evidence`) scores units against the question, and the statement step
(:mod:`statement_evidence`) reads the table rows as figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sourcewise.core.answer import tables
from sourcewise.core.text.sentences import sentences
from sourcewise.core.types import SearchHit

_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{2,}")


@dataclass(frozen=True)
class Unit:
    """One sentence or table row of a passage; offsets are relative to the passage text."""

    start: int
    end: int
    text: str
    header: tuple[int, int] | None = None  # the table header rows this row belongs to


@dataclass
class Evidence:
    """What the prompt shows of one passage."""

    hit: SearchHit
    text: str
    score: float  # the best unit's score
    best: tuple[int, int] = (0, 0)  # the best unit (passage-relative), for highlighting


def split_units(text: str) -> list[Unit]:
    """Sentences of prose and rows of Markdown tables, in order, with their offsets. A sentence
    hard-wrapped over several lines is one unit (its text reads the line breaks as spaces)."""
    units: list[Unit] = []
    header: tuple[int, int] | None = None  # the current table's header rows, while in one
    prose: int | None = None  # where the run of prose lines being read began
    for start, line in _lines(text):
        end = start + len(line)
        if not _TABLE_ROW.match(line):
            header = None
            prose = start if prose is None else prose
            continue
        if prose is not None:
            units.extend(_sentences(text, prose, start))
            prose = None
        if header is None:
            header = (start, end)  # a table's first row is its header
            if not tables.is_header(tables.cells(line)):  # or its first data row (a statement's)
                units.append(Unit(start, end, line.strip(), header))
        elif _RULE_ROW.match(line):  # the |---| line: under a header, part of it; never a unit
            if not any(u.header == header for u in units):
                header = (header[0], end)
        else:
            units.append(Unit(start, end, line.strip(), header))
    if prose is not None:
        units.extend(_sentences(text, prose, len(text)))
    return units


def _lines(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, line))
        start += len(line) + 1
    return out


def _sentences(text: str, start: int, end: int) -> list[Unit]:
    return [Unit(s.start, s.end, s.text) for s in sentences(text, start, end)]
