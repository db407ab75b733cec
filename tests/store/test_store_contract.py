"""The store contract on the SQLite + FAISS index (and on PostgreSQL: test_postgres_store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.settings import Settings
from sourcewise.core.store.sqlite_store import SqliteStore
from sourcewise.core.testing.contracts.store import EMBEDDER, OpenStore, StoreContract


class TestSqliteIndex(StoreContract):
    @pytest.fixture
    def open_store(self, tmp_path: Path) -> OpenStore:
        settings = Settings(home=tmp_path / "home")
        return lambda: SqliteStore.open(settings, EMBEDDER)
