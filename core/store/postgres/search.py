"""pgvector search and card scoring for the PostgreSQL library: the ``vectors`` and
card-scoring sides of the store protocol (the keyword side, BM25, is ``bm25.py``).

Dense search scans exactly while the library holds at most ``exact_limit`` vectors, and always
inside a filter (``allowed``), since an HNSW scan filters after taking its candidates and would
return fewer than k; above it the HNSW index answers. Cards rank with ``ts_rank`` over tsvectors
weighted name and periods A, title B, body C.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sourcewise.core.store.cards import Cards
from sourcewise.core.store.postgres.connection import Portable
from sourcewise.core.store.rows import FloatArray, IdArray


def vector_text(vec: FloatArray) -> str:
    """pgvector's text form of a vector (``[0.1,0.2,...]``)."""
    return "[" + ",".join(f"{float(x):.7g}" for x in np.asarray(vec).ravel()) + "]"


def _any_of(words: Sequence[str]) -> str:
    """A tsquery matching any of ``words``, each stemmed as the indexed text is (%s each)."""
    return " || ".join(["plainto_tsquery('english', %s)"] * len(words))


class PgVectors:
    def __init__(self, conn: Any, exact_limit: int) -> None:
        self.conn = conn
        self.exact_limit = exact_limit

    @property
    def ntotal(self) -> int:
        row = self.conn.execute("SELECT count(*) FROM vectors").fetchone()
        return int(row[0])

    @property
    def kind(self) -> str:
        return "hnsw" if self._estimated_count() > self.exact_limit else "flat"

    def _estimated_count(self) -> int:
        # The planner's row estimate: free, unlike count(*) on a million rows (-1: never
        # analysed yet, i.e. new and treated as small).
        row = self.conn.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'vectors'::regclass"
        ).fetchone()
        return int(row[0]) if row else 0

    def search(
        self, query: FloatArray, k: int, allowed: IdArray | None = None
    ) -> tuple[IdArray, FloatArray]:
        if k <= 0 or (allowed is not None and not len(allowed)):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        q = vector_text(query)
        where, args = "", list[Any]([q])
        if allowed is not None:
            where = "WHERE chunk_id = ANY(%s)"
            args.append([int(i) for i in allowed])
        sql = (f"SELECT chunk_id, -(vec <#> %s::vector) FROM vectors {where} "
               "ORDER BY vec <#> %s::vector LIMIT %s")  # fmt: skip
        with self.conn.transaction():
            if allowed is not None or self._estimated_count() <= self.exact_limit:
                self.conn.execute("SET LOCAL enable_indexscan = off")
            else:
                # Twice the candidates asked for: recall@10 0.874 -> 0.954 at 1M chunks with
                # the same first-stage p50 (bench/latency.py; docs/benchmarks.md).
                self.conn.execute(f"SET LOCAL hnsw.ef_search = {max(40, min(2 * int(k), 1000))}")
            rows = self.conn.execute(sql, [*args, q, int(k)]).fetchall()
        ids = np.fromiter((int(r[0]) for r in rows), dtype=np.int64, count=len(rows))
        scores = np.fromiter((float(r[1]) for r in rows), dtype=np.float32, count=len(rows))
        return ids, scores


class PgCards(Cards):
    """The shared card and hit-row reads, with card scoring by PostgreSQL full-text search."""

    def __init__(self, conn: Any, portable: Portable) -> None:
        super().__init__(portable)  # reads that return paths map them (shared_roots.py)
        self.pg = conn

    def search_cards(self, terms: Sequence[str], limit: int) -> dict[int, float]:
        if not terms:
            return {}
        rows = self.pg.execute(
            f"SELECT k.document_id, ts_rank(k.tsv, q.q) AS s FROM cards k "
            f"JOIN documents d ON d.id = k.document_id, (SELECT {_any_of(terms)} AS q) q "
            "WHERE k.tsv @@ q.q AND d.status = 'indexed' ORDER BY s DESC LIMIT %s",
            [*terms, int(limit)],
        ).fetchall()
        return {int(r[0]): float(r[1]) for r in rows}
