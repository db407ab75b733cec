"""Read-side queries for passages: one chunk by id, every chunk of one document, or all of them
(the samples evaluation and tuning draw).

A chunk belongs to content (a blob) that identical files share, so a chunk is read under the
first indexed document holding it, and a document's passages are its blob's chunks in order.
"""

from __future__ import annotations

from typing import Any

from sourcewise.core.store.sql import Queryable
from sourcewise.core.types import Passage

_SELECT = (
    'SELECT ch.id, d.id, d.path, ch.page_start, ch.page_end, ch.heading, ch.text, ch.start, ch."end", '
    "coalesce(k.title, ''), ch.kind FROM chunks ch JOIN documents d ON d.blob_id = ch.blob_id "
    "LEFT JOIN cards k ON k.document_id = d.id WHERE d.status = 'indexed'"
)


def passage(conn: Queryable, chunk_id: int) -> Passage | None:
    row = conn.execute(_SELECT + " AND ch.id = ? ORDER BY d.id LIMIT 1", [chunk_id]).fetchone()
    return None if row is None else _passage(row)


def document_passages(conn: Queryable, document_id: int) -> list[Passage]:
    rows = conn.execute(_SELECT + " AND d.id = ? ORDER BY ch.ord", [document_id]).fetchall()
    return [_passage(r) for r in rows]


def all_passages(conn: Queryable, min_tokens: int = 0) -> list[Passage]:
    """Every chunk of an indexed document with at least ``min_tokens`` tokens, by id; a chunk
    that identical files share is read under the first of their paths alphabetically."""
    rows = conn.execute(_SELECT + " AND ch.tokens >= ? ORDER BY ch.id, d.path", [min_tokens])
    out: dict[int, Passage] = {}
    for row in rows.fetchall():
        out.setdefault(int(row[0]), _passage(row))
    return list(out.values())


def _passage(row: tuple[Any, ...]) -> Passage:
    first = None if row[3] is None else int(row[3])
    pages = [] if first is None else list(range(first, int(row[4] or first) + 1))
    return Passage(
        chunk_id=int(row[0]), document_id=int(row[1]), path=str(row[2]),
        page=first, pages=pages, heading=str(row[5]),
        text=str(row[6]), start=int(row[7]), end=int(row[8]), document_title=str(row[9]),
        kind=str(row[10]),
    )  # fmt: skip
