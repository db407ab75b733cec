"""BM25 keyword queries over the chunks' FTS5 table (the term-selection policy that keeps them
cheap is ``sourcewise.core.retrieve.keyword``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def bm25_top(
    conn: sqlite3.Connection, match: str, n: int, allowed: Sequence[int] | None = None
) -> dict[int, float]:
    """The ``n`` chunks best matching the FTS5 expression ``match`` (among ``allowed`` when
    given), chunk id -> BM25 with higher better."""
    sql = "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ?"
    args: list[object] = [match]
    if allowed is not None:
        # Filter inside the query so the top n are taken among allowed chunks only.
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _allowed (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM _allowed")
        conn.executemany("INSERT INTO _allowed VALUES (?)", [(int(i),) for i in allowed])
        sql += " AND rowid IN (SELECT id FROM _allowed)"
    sql += " ORDER BY bm25(chunks_fts) LIMIT ?"
    args.append(n)
    # bm25() is lower-is-better; negate so every score here is higher-is-better.
    return {int(r[0]): -float(r[1]) for r in conn.execute(sql, args).fetchall()}


def rows_matching(conn: sqlite3.Connection, term: str, cap: int) -> int:
    """Rows whose text holds ``term`` (an FTS5 phrase), counted only up to ``cap``.
    sqlite3.OperationalError for a term FTS5 tokenizes to nothing."""
    row = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
        [term, cap],
    ).fetchone()
    return int(row[0])


class FtsKeywords:
    """The index's keyword side (``index.keywords``): FTS5 over the chunks, OR of phrases."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def top(self, words: Sequence[str], n: int, allowed: Sequence[int] | None) -> dict[int, float]:
        if not words:
            return {}
        return bm25_top(self.conn, " OR ".join(f'"{w}"' for w in words), n, allowed)

    def rows_matching(self, word: str, cap: int) -> int | None:
        try:
            return rows_matching(self.conn, f'"{word}"', cap)
        except sqlite3.OperationalError:
            return None  # a "word" that FTS5 tokenizes to nothing
