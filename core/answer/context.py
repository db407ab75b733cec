"""Context assembly: numbered sources within the model's window, counted with its tokenizer.

Hits are taken in rank order; a hit adjacent to or overlapping one already taken from the same
document is merged into it (neighbours read better together), near-duplicates are dropped, and
sources stop when the budget (window minus the answer's reserve) is spent.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sourcewise.core.types import SearchHit, cited_as

_GAP = 2  # characters between chunks that still count as adjacent (the block separator)


@dataclass
class Source:
    n: int
    hit: SearchHit
    text: str
    start: int
    end: int
    merged: list[int] = field(default_factory=list)  # chunk ids folded into this source
    quote: str = ""  # the best-matching sentence of ``text``, highlighted in the viewer
    score: float = 0.0  # the evidence score of that sentence (cross-encoder logit)

    @property
    def label(self) -> str:
        page = f", page {self.hit.page}" if self.hit.page else ""
        heading = f" — {self.hit.heading}" if self.hit.heading else ""
        if self.hit.reference:  # a paper or a message: cited by who and when, not its path
            return f"[{self.n}] {cited_as(self.hit.reference, self.hit.page)}{heading}"
        return f"[{self.n}] {os.path.basename(self.hit.path)}{page}{heading}"


def assemble(
    hits: list[SearchHit], budget_tokens: int, count: Callable[[str], int]
) -> list[Source]:
    sources: list[Source] = []
    used = 0
    for hit in hits:
        if _is_duplicate(hit, sources) or _merge_neighbour(hit, sources):
            continue
        source = Source(len(sources) + 1, hit, hit.text, hit.start, hit.end)
        cost = count(source.label + "\n" + source.text) + 4
        if used + cost > budget_tokens:
            if not sources:  # always give the model at least the best passage, truncated
                source.text = _truncate(source.text, budget_tokens, count)
                sources.append(source)
            break
        sources.append(source)
        used += cost
    return sources


def render(sources: list[Source]) -> str:
    return "\n\n".join(f"{s.label}\n{s.text.strip()}" for s in sources)


def _is_duplicate(hit: SearchHit, sources: list[Source]) -> bool:
    words = set(hit.text.lower().split())
    for s in sources:
        other = set(s.text.lower().split())
        if words and other and len(words & other) / len(words | other) > 0.9:
            return True
    return False


def _merge_neighbour(hit: SearchHit, sources: list[Source]) -> bool:
    for s in sources:
        # A table chunk repeats its header before its span, so its text is not the span the
        # offsets below cut; each piece of a table stands alone with its header anyway.
        if s.hit.document_id != hit.document_id or "table" in (hit.kind, s.hit.kind):
            continue
        if hit.start <= s.end + _GAP and hit.end >= s.start - _GAP:
            if hit.start < s.start:
                gap = "\n\n" if hit.end < s.start else ""
                s.text = hit.text[: max(0, s.start - hit.start)] + gap + s.text
                s.start = hit.start
            if hit.end > s.end:
                gap = "\n\n" if hit.start > s.end else ""
                s.text = s.text + gap + hit.text[max(0, s.end - hit.start) :]
                s.end = hit.end
            s.merged.append(hit.chunk_id)
            s.hit = replace(s.hit, pages=sorted(set(s.hit.pages) | set(hit.pages)))
            return True
    return False


def _truncate(text: str, budget: int, count: Callable[[str], int]) -> str:
    lo, hi = 0, len(text)
    while lo < hi:  # binary search on characters: tokenizers are not invertible cheaply
        mid = (lo + hi + 1) // 2
        if count(text[:mid]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo]
