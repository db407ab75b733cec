"""Keyword search drops the commonest terms beyond a postings budget, keeps the rare ones."""

from __future__ import annotations

import sqlite3

from sourcewise.core.retrieve.keyword import KeywordSearch, query_terms
from sourcewise.core.store.fts import FtsKeywords
from sourcewise.core.store.migrations import migrate


def _db(rows: list[str]) -> FtsKeywords:
    import sqlite_utils

    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    migrate(db)
    db.execute(
        "INSERT INTO blobs(id, sha256, size, file_type, embed_model) VALUES (1, 'x', 0, 'txt', 'h')"
    )
    db.conn.executemany(
        'INSERT INTO chunks(blob_id, ord, text, start, "end", tokens) VALUES (1, ?, ?, 0, 0, 1)',
        list(enumerate(rows)),
    )
    return FtsKeywords(db.conn)


def test_stopwords_removed_unless_nothing_else() -> None:
    assert query_terms("What is the boiling point of water?") == ["boiling", "point", "water"]
    assert query_terms("what is it") == ["what", "is", "it"]


def test_common_terms_pruned_rare_terms_kept() -> None:
    rows = [f"common filler number {i}" for i in range(300)] + ["common zeppelin hangar"]
    ks = KeywordSearch(_db(rows), postings_budget=100)
    assert ks.select_terms(["common", "zeppelins", "hangar"]) == ["zeppelins", "hangar"]
    hits = ks.search("common zeppelins hangar", 5)
    assert list(hits) == [301]  # found by its rare (stemmed) terms; "common" was not scored


def test_all_common_query_returns_nothing_within_budget() -> None:
    rows = [f"common filler {i}" for i in range(300)]
    ks = KeywordSearch(_db(rows), postings_budget=100)
    assert ks.search("common filler", 5) == {}
    generous = KeywordSearch(_db(rows), postings_budget=10_000)
    assert len(generous.search("common filler", 5)) == 5
