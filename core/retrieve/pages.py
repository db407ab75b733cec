"""Exact pages: where each page begins inside a chunk, and the page of the best-matching sentence.

A chunk may run over several pages. Labelling it with its first page sends a reader to text
that is not the evidence, so each chunk stores its page marks ("offset:page" pairs, written at
indexing from the parsed blocks: ``ingest/page_marks.py``) and a hit is labelled with the page
of the sentence that best matches the query.
"""

from __future__ import annotations

from collections.abc import Sequence

from sourcewise.core.store.grams import grams
from sourcewise.core.text.sentences import sentences
from sourcewise.core.text.words import WORD

_STEM = 5  # query and sentence words match on a shared prefix ("expenditures" ~ "expenditure")


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
