"""An index made before the gram index (issue 23) gets one for the chunks it already holds,
without re-embedding, on both backends; the word index is left as it was."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from sourcewise.core.retrieve.keyword import KeywordSearch
from sourcewise.core.store import migrations
from sourcewise.core.store.fts import FtsKeywords
from sourcewise.core.store.protocol import KeywordIndex

TEXTS = [
    "我们的暗证番号在保险箱里。",
    "銀行カードの暗証番号は金庫の封筒にしまってあります。",
    "The spare keys are kept in the office safe.",
]


def _ranked(keywords: KeywordIndex, query: str) -> list[int]:
    return list(KeywordSearch(keywords, postings_budget=1000).search(query, 5))


def test_an_sqlite_index_from_before_grams_gets_them_for_its_chunks() -> None:
    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied REAL)")
    for name, step in migrations.MIGRATIONS:
        if name == "m008_chunk_grams":
            break
        step(db)
        db.execute("INSERT INTO _migrations VALUES (?, 0)", [name])
    db.execute("INSERT INTO blobs(id, sha256, size, file_type, embed_model) "
               "VALUES (1, 'x', 1, 'txt', 'hash')")  # fmt: skip
    for i, text in enumerate(TEXTS, 1):
        db.execute('INSERT INTO chunks(id, blob_id, ord, text, heading, start, "end", tokens) '
                   "VALUES (?, 1, ?, ?, '', 0, 1, 1)", [i, i, text])  # fmt: skip
    before = FtsKeywords(db.conn).top(["key"], 5, None)
    migrations.migrate(db)
    keywords = FtsKeywords(db.conn)
    assert _ranked(keywords, "暗証番号")[0] == 2 and _ranked(keywords, "暗证番号")[0] == 1
    assert keywords.top(["key"], 5, None) == before == {3: before[3]}
    assert keywords.rows_matching("番号", 10) == 2
    # A chunk deleted after the migration leaves the gram index too (its trigger).
    db.execute("DELETE FROM chunks WHERE id = 2")
    assert _ranked(keywords, "暗証番号") == [1]


def test_a_postgres_library_from_before_grams_gets_them_for_its_chunks(pg_url: str) -> None:
    import psycopg

    from sourcewise.core.store.postgres import migrations as pg_migrations
    from sourcewise.core.store.postgres.bm25 import PgKeywords

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied TIMESTAMPTZ "
                     "NOT NULL DEFAULT now())")  # fmt: skip
        for step in pg_migrations.MIGRATIONS:
            if step.__name__ == "m003_chunk_grams":
                break
            step(conn, 8)
            conn.execute("INSERT INTO _migrations(name) VALUES (%s)", [step.__name__])
        conn.execute("INSERT INTO blobs(id, sha256, size, file_type, embed_model) "
                     "VALUES (1, 'x', 1, 'txt', 'hash')")  # fmt: skip
        for i, text in enumerate(TEXTS, 1):
            conn.execute('INSERT INTO chunks(id, blob_id, ord, text, start, "end", tokens) '
                         "VALUES (%s, 1, %s, %s, 0, 1, %s)", [i, i, text, len(text.split())])  # fmt: skip
        before = PgKeywords(conn).top(["key"], 5, None)
        pg_migrations.migrate(conn, 8)
        keywords = PgKeywords(conn)
        assert _ranked(keywords, "暗証番号")[0] == 2 and _ranked(keywords, "暗证番号")[0] == 1
        assert keywords.top(["key"], 5, None) == before == {3: before[3]}
        assert keywords.rows_matching("番号", 10) == 2
