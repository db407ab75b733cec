"""Turning chunk ids into :class:`SearchHit` rows, one per distinct piece of evidence.

A chunk shared by identical files is shown under the document whose card the query names best
(each path keeps its own identity). A hit's ``page`` is the page of its best-matching sentence
and ``pages`` the range its text spans. Hits from the same page of a document, and chunks whose
text is an exact duplicate of a better one (the same boilerplate page in every report),
collapse to the best of them, so k results are k distinct pieces of evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

from sourcewise.core.retrieve import filters as flt
from sourcewise.core.retrieve.pages import matched_page
from sourcewise.core.store.protocol import Store
from sourcewise.core.store.rows import HitRow
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
    """The best hit of each document page, and of each distinct text (hits best first). A
    page's table and its prose are told apart: "iPhone net sales decreased …" above the
    statement hid the row that gives the figure (both on the 10-Q's page 19)."""
    pages: set[tuple[int, int, bool]] = set()
    texts: set[str] = set()
    out = []
    for hit in hits:
        text = " ".join(hit.text.split()).casefold()
        page = None if hit.page is None else (hit.document_id, hit.page, hit.kind == "table")
        if text in texts or (page is not None and page in pages):
            continue
        texts.add(text)
        if page is not None:
            pages.add(page)
        out.append(hit)
    return out


def _best_rows(
    rows: list[HitRow], filters: SearchFilters, docs: dict[int, float]
) -> dict[int, HitRow]:
    """Per chunk, the row of the document whose card scores best (ties: the first indexed)."""
    by_id: dict[int, HitRow] = {}
    for row in rows:  # ordered by document id
        if not flt.glob_matches(filters, row.path):
            continue
        held = by_id.get(row.chunk_id)
        if held is None or docs.get(row.document_id, 0.0) > docs.get(held.document_id, 0.0):
            by_id[row.chunk_id] = row
    return by_id


def _hit(
    row: HitRow, score: float, lists: dict[str, dict[int, float]], terms: Sequence[str]
) -> SearchHit:
    cid = row.chunk_id
    pages = (
        list(range(row.page_start, row.page_end + 1))
        if row.page_start is not None and row.page_end is not None
        else []
    )
    scores = {"fused": score, **{name: scores.get(cid, 0.0) for name, scores in lists.items()}}
    return SearchHit(
        rank=0, score=score, path=row.path,
        page=matched_page(row.text, row.page_marks, terms, row.page_start),
        chunk_id=cid, heading=row.heading, text=row.text,
        start=row.start, end=row.end, document_id=row.document_id, pages=pages,
        scores=scores, document_title=row.title, kind=row.kind, reference=row.reference,
    )  # fmt: skip
