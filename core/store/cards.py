"""Read-side queries for retrieval: document cards (FTS5), hit rows, the chunks that search
filters allow.

The card table is written with each document (``content.py``); these queries score cards
against a query, list the chunks of chosen documents, and load candidate chunks with every
document that holds them (identical files share chunks) and those documents' titles.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from sourcewise.core.store.filters import document_where
from sourcewise.core.store.rows import HitRow, IdArray
from sourcewise.core.store.sql import Queryable
from sourcewise.core.types import SearchFilters

# bm25() column weights of (name, title, body, periods): a file's name (with the issuer's names
# and tickers) and its periods are what tell look-alike reports apart; the body's cover lines are
# mostly boilerplate that questions share by chance ("quarterly", "securities"), so they weigh
# little (1.0 -> 0.4: sec10q tune split unchanged but for one more right report in the top 5;
# PostgreSQL weighs the body C against A for name and periods, alike).
CARD_WEIGHTS = (2.0, 1.5, 0.4, 2.0)


class Cards:
    """The queries of retrieval, over the index's connection (``index.cards``)."""

    def __init__(self, conn: Queryable) -> None:
        self.conn = conn

    def search_cards(self, terms: Sequence[str], limit: int) -> dict[int, float]:
        """BM25 of indexed documents' cards over ``terms`` (higher is better), at most ``limit``."""
        if not terms:
            return {}
        match = " OR ".join(f'"{t}"' for t in terms)
        weights = ", ".join(str(w) for w in CARD_WEIGHTS)
        sql = (
            f"SELECT f.rowid, bm25(cards_fts, {weights}) AS s FROM cards_fts f "
            "JOIN documents d ON d.id = f.rowid WHERE cards_fts MATCH ? AND d.status = 'indexed' "
            "ORDER BY s LIMIT ?"
        )
        try:
            rows = self.conn.execute(sql, [match, limit]).fetchall()
        except sqlite3.OperationalError:
            return {}  # a query FTS5 cannot parse as terms: no card signal
        return {int(r[0]): -float(r[1]) for r in rows}

    def chunks_of_documents(self, doc_ids: Sequence[int]) -> IdArray:
        if not doc_ids:
            return np.empty(0, dtype=np.int64)
        marks = ",".join("?" * len(doc_ids))
        rows = self.conn.execute(
            "SELECT DISTINCT ch.id FROM documents d JOIN chunks ch ON ch.blob_id = d.blob_id "
            f"WHERE d.id IN ({marks}) AND d.status = 'indexed'",
            list(doc_ids),
        ).fetchall()
        return np.fromiter((int(r[0]) for r in rows), dtype=np.int64, count=len(rows))

    def hit_rows(self, chunk_ids: Sequence[int], filters: SearchFilters) -> list[HitRow]:
        """One row per (chunk, indexed document holding it) that ``filters`` allow (all but the
        path glob, which the caller applies), ordered by document id."""
        if not chunk_ids:
            return []
        where, args = document_where(filters)
        marks = ",".join("?" * len(chunk_ids))
        rows = self.conn.execute(
            "SELECT ch.id, ch.blob_id, ch.text, ch.heading, ch.page_start, ch.page_end, ch.start, "
            "ch.\"end\", ch.page_marks, d.path, d.id, coalesce(k.title, ''), ch.kind, "
            "coalesce((SELECT min(m.value) FROM document_meta m WHERE m.document_id = d.id "
            "AND m.key = 'cite'), ''), coalesce(k.name, '') FROM chunks ch "
            "JOIN documents d ON d.blob_id = ch.blob_id "
            "JOIN collections c ON c.id = d.collection_id LEFT JOIN cards k ON k.document_id = d.id "
            f"WHERE ch.id IN ({marks}) AND {where} ORDER BY d.id",
            [*chunk_ids, *args],
        ).fetchall()
        return [_hit_row(r) for r in rows]

    def chunk_documents(self, chunk_ids: Sequence[int]) -> dict[int, list[int]]:
        """The indexed documents holding each chunk (several when identical files share it)."""
        out: dict[int, list[int]] = {}
        for part in _batches(chunk_ids):
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                "SELECT ch.id, d.id FROM chunks ch JOIN documents d ON d.blob_id = ch.blob_id "
                f"WHERE ch.id IN ({marks}) AND d.status = 'indexed'",
                part,
            ).fetchall()
            for cid, did in rows:
                out.setdefault(int(cid), []).append(int(did))
        return out

    def card_periods(self, doc_ids: Sequence[int]) -> dict[int, str]:
        """Each document's card period tokens, by document id."""
        out: dict[int, str] = {}
        for part in _batches(doc_ids):
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT document_id, periods FROM cards WHERE document_id IN ({marks})", part
            ).fetchall()
            out.update({int(d): str(p) for d, p in rows})
        return out

    def card_names(self, doc_ids: Sequence[int]) -> list[tuple[str, str, str]]:
        """(name words, period tokens, title and body) of each document's card."""
        if not doc_ids:
            return []
        marks = ",".join("?" * len(doc_ids))
        rows = self.conn.execute(
            f"SELECT name, periods, title, body FROM cards WHERE document_id IN ({marks})",
            list(doc_ids),
        ).fetchall()
        return [(str(n), str(p), f"{t}\n{b}") for n, p, t, b in rows]

    def chunks_matching(self, filters: SearchFilters) -> list[tuple[str, int]]:
        """(document path, chunk id) of every chunk of an indexed document that ``filters`` allow
        (all but the path glob, which the caller applies)."""
        where, args = document_where(filters)
        rows = self.conn.execute(
            "SELECT DISTINCT d.path, ch.id FROM documents d JOIN collections c ON c.id = d.collection_id "
            f"JOIN chunks ch ON ch.blob_id = d.blob_id WHERE {where}",
            args,
        ).fetchall()
        return [(str(path), int(cid)) for path, cid in rows]


def _hit_row(r: Sequence[Any]) -> HitRow:
    return HitRow(
        chunk_id=int(r[0]), blob_id=int(r[1]), text=str(r[2]), heading=str(r[3]),
        page_start=None if r[4] is None else int(r[4]),
        page_end=None if r[5] is None else int(r[5]),
        start=int(r[6]), end=int(r[7]), page_marks=str(r[8] or ""), path=str(r[9]),
        document_id=int(r[10]), title=str(r[11]), kind=str(r[12]), reference=str(r[13]),
        names=str(r[14]),
    )  # fmt: skip


def _batches(ids: Sequence[int], size: int = 900) -> list[list[int]]:
    """``ids`` in lists short enough for one statement's parameters (SQLite's limit)."""
    items = list(ids)
    return [items[i : i + size] for i in range(0, len(items), size)]
