"""The store contract on PostgreSQL + pgvector (a throwaway server; tests/pg.py)."""

from __future__ import annotations

import pytest

from sourcewise.core.store.postgres.store import PostgresStore
from sourcewise.core.testing.contracts.store import EMBEDDER, OpenStore, StoreContract


class TestPostgresStore(StoreContract):
    @pytest.fixture
    def open_store(self, pg_url: str) -> OpenStore:
        return lambda: PostgresStore.open(pg_url, EMBEDDER, exact_limit=20_000)


def test_claims_are_held_by_one_store_until_released_or_expired(pg_url: str) -> None:
    a, b = (PostgresStore.open(pg_url, EMBEDDER, exact_limit=20_000) for _ in range(2))
    try:
        assert a.claims.take(["x", "y"]) == {"x", "y"}
        assert b.claims.take(["y", "z"]) == {"z"}  # y is a's: skipped, not waited for
        assert a.claims.take(["x"]) == {"x"}  # its own claim, renewed
        a.claims.release_all()
        assert b.claims.take(["x", "y"]) == {"x", "y"}
        b.claims.lease_s = 0  # b's claims expire at once, as a crashed indexer's do in time
        b.claims.take(["w"])
        assert a.claims.take(["w", "x", "z"]) == {"w", "x", "z"}
    finally:
        a.close()
        b.close()


def test_term_frequency_is_recovered_from_ts_rank_on_a_live_server(pg_url: str) -> None:
    """bm25.py reads tf from ts_rank's closed form; a PostgreSQL that computed it otherwise
    would fail here rather than rank quietly worse."""
    import psycopg

    from sourcewise.core.store.postgres.bm25 import term_frequency

    with psycopg.connect(pg_url, autocommit=True) as conn:
        for tf in [1, 2, 3, 7, 40, 255]:
            text = " ".join(["airship"] * tf)
            (rank,) = conn.execute(
                "SELECT ts_rank('{1,1,1,1}', to_tsvector('english', %s), "
                "plainto_tsquery('english', 'airship'), 0)",
                [text],
            ).fetchone()
            assert term_frequency(float(rank)) == tf
