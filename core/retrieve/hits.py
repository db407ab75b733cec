"""Turning chunk ids into :class:`SearchHit` rows (path, page, heading, span)."""

from __future__ import annotations

from typing import Any

from sourcewise.core.retrieve import filters as flt
from sourcewise.core.store.index import Index
from sourcewise.core.types import SearchFilters, SearchHit


def load_hits(
    index: Index,
    fused: list[tuple[int, float]],
    dense: dict[int, float],
    keyword: dict[int, float],
    filters: SearchFilters,
) -> list[SearchHit]:
    if not fused:
        return []
    ids = [cid for cid, _ in fused]
    marks = ",".join("?" * len(ids))
    where, args = flt.document_where(filters)
    rows = index.db.execute(
        "SELECT ch.id, ch.blob_id, ch.text, ch.heading, ch.page_start, ch.page_end, ch.start, "
        'ch."end", d.path, d.id, ch.kind FROM chunks ch JOIN documents d ON d.blob_id = ch.blob_id '
        f"JOIN collections c ON c.id = d.collection_id WHERE ch.id IN ({marks}) AND {where} "
        "ORDER BY d.id",
        [*ids, *args],
    ).fetchall()
    by_id: dict[int, tuple[Any, ...]] = {}
    for row in rows:
        # Identical files share chunks: show the first matching path for each chunk.
        if int(row[0]) not in by_id and flt.glob_matches(filters, str(row[8])):
            by_id[int(row[0])] = row
    hits = []
    for cid, score in fused:
        row = by_id.get(cid)
        if row is None:
            continue
        page_start, page_end = row[4], row[5]
        pages = (
            list(range(int(page_start), int(page_end) + 1))
            if page_start is not None and page_end is not None
            else []
        )
        hits.append(SearchHit(
            rank=0, score=score, path=str(row[8]),
            page=None if page_start is None else int(page_start),
            chunk_id=cid, heading=str(row[3]), text=str(row[2]),
            start=int(row[6]), end=int(row[7]), document_id=int(row[9]), pages=pages,
            scores={"fused": score, "dense": dense.get(cid, 0.0), "keyword": keyword.get(cid, 0.0)},
            kind=str(row[10]),
        ))  # fmt: skip
    return hits
