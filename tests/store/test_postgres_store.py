"""The store contract on PostgreSQL + pgvector (a throwaway server; tests/pg.py)."""

from __future__ import annotations

import pytest

from sourcewise.core.store.postgres.store import PostgresStore
from sourcewise.core.testing.contracts.store import EMBEDDER, OpenStore, StoreContract


class TestPostgresStore(StoreContract):
    @pytest.fixture
    def open_store(self, pg_url: str) -> OpenStore:
        return lambda: PostgresStore.open(pg_url, EMBEDDER, exact_limit=20_000)
