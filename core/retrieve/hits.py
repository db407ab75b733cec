"""Turning chunk ids into :class:`SearchHit` rows, one per distinct piece of evidence.

A chunk shared by identical files is shown under the document whose card the query names best
(each path keeps its own identity). A hit's ``page`` is the page of its best-matching sentence
and ``pages`` the range its text spans. Hits from the same page of a document, and chunks whose
text is an exact duplicate of a better one (the same boilerplate page in every report),
collapse to the best of them, so k results are k distinct pieces of evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sourcewise.core.retrieve import filters as flt
from sourcewise.core.retrieve.pages import matched_page
from sourcewise.core.store.protocol import Store
from sourcewise.core.types import SearchFilters, SearchHit


def load_hits(
    index: Store,
    fused: list[tuple[int, float]],
    lists: dict[str, dict[int, float]],
    filters: SearchFilters,
    docs: dict[int, float] | None = None,
    terms: Sequence[str] = (),
) -> list[SearchHit]:
    """Hits in ``fused`` order; ``lists`` are the per-list scores kept on each hit, ``docs``
    the card scores that choose among identical files, ``terms`` the query's words."""
    if not fused:
        return []
    rows = index.cards.hit_rows([cid for cid, _ in fused], filters)
    by_id = _best_rows(rows, filters, docs or {})
    hits = []
    for cid, score in fused:
        row = by_id.get(cid)
        if row is not None:
            hits.append(_hit(row, score, lists, terms))
    return hits


def collapse(hits: list[SearchHit]) -> list[SearchHit]:
    """The best hit of each document page, and of each distinct text (hits best first)."""
    pages: set[tuple[int, int]] = set()
    texts: set[str] = set()
    out = []
    for hit in hits:
        text = " ".join(hit.text.split()).casefold()
        page = None if hit.page is None else (hit.document_id, hit.page)
        if text in texts or (page is not None and page in pages):
            continue
        texts.add(text)
        if page is not None:
            pages.add(page)
        out.append(hit)
    return out


def _best_rows(
    rows: list[tuple[Any, ...]], filters: SearchFilters, docs: dict[int, float]
) -> dict[int, tuple[Any, ...]]:
    """Per chunk, the row of the document whose card scores best (ties: the first indexed)."""
    by_id: dict[int, tuple[Any, ...]] = {}
    for row in rows:  # ordered by document id
        cid = int(row[0])
        if not flt.glob_matches(filters, str(row[9])):
            continue
        held = by_id.get(cid)
        if held is None or docs.get(int(row[10]), 0.0) > docs.get(int(held[10]), 0.0):
            by_id[cid] = row
    return by_id


def _hit(
    row: tuple[Any, ...], score: float, lists: dict[str, dict[int, float]], terms: Sequence[str]
) -> SearchHit:
    cid = int(row[0])
    page_start, page_end = row[4], row[5]
    pages = (
        list(range(int(page_start), int(page_end) + 1))
        if page_start is not None and page_end is not None
        else []
    )
    first = None if page_start is None else int(page_start)
    scores = {"fused": score, **{name: scores.get(cid, 0.0) for name, scores in lists.items()}}
    return SearchHit(
        rank=0, score=score, path=str(row[9]),
        page=matched_page(str(row[2]), str(row[8] or ""), terms, first),
        chunk_id=cid, heading=str(row[3]), text=str(row[2]),
        start=int(row[6]), end=int(row[7]), document_id=int(row[10]), pages=pages,
        scores=scores, document_title=str(row[11]), kind=str(row[12]),
        reference=str(row[13]) if len(row) > 13 else "",
    )  # fmt: skip
