"""BM25 keyword queries over the chunks' FTS5 tables (the term-selection policy that keeps them
cheap is ``sourcewise.core.retrieve.keyword``): the word index ``chunks_fts`` (porter
stemming), and the gram index ``chunk_grams`` for the scripts written without spaces
(store/grams.py), each term searched in the one that holds its kind."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from sourcewise.core.store.grams import is_gram

WORDS = "chunks_fts"
GRAMS = "chunk_grams"


def bm25_top(
    conn: sqlite3.Connection,
    match: str,
    n: int,
    allowed: Sequence[int] | None = None,
    table: str = WORDS,
) -> dict[int, float]:
    """The ``n`` chunks best matching the FTS5 expression ``match`` in ``table`` (among
    ``allowed`` when given), chunk id -> BM25 with higher better."""
    sql = f"SELECT rowid, bm25({table}) FROM {table} WHERE {table} MATCH ?"
    args: list[object] = [match]
    if allowed is not None:
        # Filter inside the query so the top n are taken among allowed chunks only.
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _allowed (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM _allowed")
        conn.executemany("INSERT INTO _allowed VALUES (?)", [(int(i),) for i in allowed])
        sql += " AND rowid IN (SELECT id FROM _allowed)"
    sql += f" ORDER BY bm25({table}) LIMIT ?"
    args.append(n)
    # bm25() is lower-is-better; negate so every score here is higher-is-better.
    return {int(r[0]): -float(r[1]) for r in conn.execute(sql, args).fetchall()}


def rows_matching(conn: sqlite3.Connection, term: str, cap: int, table: str = WORDS) -> int:
    """Rows whose text holds ``term`` (an FTS5 phrase), counted only up to ``cap``.
    sqlite3.OperationalError for a term FTS5 tokenizes to nothing."""
    row = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)",
        [term, cap],
    ).fetchone()
    return int(row[0])


def any_of(terms: Sequence[str]) -> str:
    return " OR ".join(f'"{t}"' for t in terms)


def add_scores(first: dict[int, float], second: dict[int, float], n: int) -> dict[int, float]:
    """The ``n`` best chunks by the sum of two indexes' scores (a query mixing words and
    grams); either alone, unchanged."""
    if not second or not first:
        return first or second
    total = dict(first)
    for cid, score in second.items():
        total[cid] = total.get(cid, 0.0) + score
    return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


class FtsKeywords:
    """The index's keyword side (``index.keywords``): FTS5 over the chunks, OR of phrases."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def top(self, words: Sequence[str], n: int, allowed: Sequence[int] | None) -> dict[int, float]:
        plain = [w for w in words if not is_gram(w)]
        grams = [w for w in words if is_gram(w)]
        by_word = bm25_top(self.conn, any_of(plain), n, allowed) if plain else {}
        by_gram = bm25_top(self.conn, any_of(grams), n, allowed, GRAMS) if grams else {}
        return add_scores(by_word, by_gram, n)

    def rows_matching(self, word: str, cap: int) -> int | None:
        try:
            return rows_matching(self.conn, f'"{word}"', cap, GRAMS if is_gram(word) else WORDS)
        except sqlite3.OperationalError:
            return None  # a "word" that FTS5 tokenizes to nothing
