"""The test server itself: up, with pgvector, and one empty schema per test."""

from __future__ import annotations

import psycopg


def test_the_server_has_pgvector_and_each_test_an_empty_schema(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        assert version.fetchone() is not None
        conn.execute("CREATE TABLE t (v vector(3))")
        conn.execute("INSERT INTO t VALUES ('[1,0,0]'), ('[0,1,0]')")
        nearest = conn.execute("SELECT v::text FROM t ORDER BY v <#> '[0.9,0.1,0]' LIMIT 1")
        assert nearest.fetchone() == ("[1,0,0]",)
        schema = conn.execute("SELECT current_schema()").fetchone()
        assert schema is not None and str(schema[0]).startswith("sw_test_")
