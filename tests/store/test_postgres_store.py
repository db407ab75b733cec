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
