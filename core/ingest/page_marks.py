"""Page marks: where each page begins inside a chunk, written at indexing from the parsed
blocks ("offset:page" pairs), so a hit can be labelled with the page of its best-matching
sentence (``retrieve/pages.py``) rather than the chunk's first page.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from sourcewise.core.ingest.document import ParsedDocument
from sourcewise.core.store.rows import ChunkRecord


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
