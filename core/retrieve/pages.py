"""Exact pages: where each page begins inside a chunk, and the page of the best-matching sentence.

A chunk may run over several pages. Labelling it with its first page sends a reader to text
that is not the evidence, so each chunk stores its page marks ("offset:page" pairs, written at
indexing from the parsed blocks) and a hit is labelled with the page of the sentence that best
matches the query.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from sourcewise.core.ingest.document import ChunkRecord, ParsedDocument
from sourcewise.core.store.grams import grams
from sourcewise.core.text.sentences import sentences
from sourcewise.core.text.words import WORD

_STEM = 5  # query and sentence words match on a shared prefix ("expenditures" ~ "expenditure")


def with_page_marks(
    doc: ParsedDocument, chunks: list[ChunkRecord], separator: str
) -> list[ChunkRecord]:
    """Chunks with their page marks; ``separator`` joins blocks in the chunker's text."""
    starts = block_pages(doc, separator)
    return [replace(c, page_marks=marks_for(starts, c.start, c.end)) for c in chunks]


def block_pages(doc: ParsedDocument, separator: str) -> list[tuple[int, int]]:
    """(start offset in the extracted text, page) of each block that has a page."""
    out: list[tuple[int, int]] = []
    pos = 0
    for block in doc.blocks:
        if block.page is not None:
            out.append((pos, block.page))
        pos += len(block.text) + len(separator)
    return out


def marks_for(starts: Sequence[tuple[int, int]], start: int, end: int) -> str:
    """The page marks of the span ``[start, end)`` of the text, relative to ``start``."""
    marks: list[tuple[int, int]] = []
    # From the block holding ``start`` on: blocks before it cannot mark this span.
    first = max(0, bisect.bisect_right(starts, (start, 1 << 62)) - 1)
    for offset, page in starts[first:]:
        if offset >= end:
            break
        rel = max(0, offset - start)
        if marks and marks[-1][0] == rel:
            marks[-1] = (rel, page)  # a later block at the same place (the span starts inside)
        elif not marks or marks[-1][1] != page:
            marks.append((rel, page))
    return " ".join(f"{o}:{p}" for o, p in marks)


def parse_marks(marks: str) -> list[tuple[int, int]]:
    out = []
    for pair in marks.split():
        offset, _, page = pair.partition(":")
        if offset.isdigit() and page.isdigit():
            out.append((int(offset), int(page)))
    return out


def page_at(marks: Sequence[tuple[int, int]], offset: int, default: int | None) -> int | None:
    page = default
    for start, p in marks:
        if start > offset:
            break
        page = p
    return page


def best_sentence(text: str, terms: Sequence[str]) -> int | None:
    """Offset of the sentence sharing the most query terms with the query, or None when none
    shares any (ties go to the earlier sentence)."""
    wanted = {t.lower()[:_STEM] for t in terms if t}
    best, best_offset = 0, None
    for s in sentences(text):
        # Chinese or Japanese query terms are character pairs: the sentence's pairs match them.
        words = {w.lower()[:_STEM] for w in WORD.findall(s.text)} | set(grams(s.text))
        score = len(wanted & words)
        if score > best:
            best, best_offset = score, s.start
    return best_offset


def matched_page(text: str, marks: str, terms: Sequence[str], first: int | None) -> int | None:
    """The page of the best-matching sentence; the chunk's first page when nothing matches."""
    parsed = parse_marks(marks)
    if len({p for _, p in parsed}) < 2:
        return first
    offset = best_sentence(text, terms)
    return first if offset is None else page_at(parsed, offset, first)
