"""The re-embedding contract on both backends: SQLite + FAISS, where the new model's vectors may
differ in size, and PostgreSQL + pgvector (a throwaway server; tests/pg.py), where a team
library changes only to a model of the same size."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.settings import Settings
from sourcewise.core.store.postgres.store import PostgresStore
from sourcewise.core.store.sqlite_store import SqliteStore
from sourcewise.core.testing.contracts.reembed import OpenWith, ReembedContract


class TestSqliteReembed(ReembedContract):
    @pytest.fixture
    def open_with(self, tmp_path: Path) -> OpenWith:
        settings = Settings(home=tmp_path / "home")
        return lambda embedder: SqliteStore.open(settings, embedder)


class TestPostgresReembed(ReembedContract):
    new = (64, "b")
    newer = (64, "c")
    drops_abandoned = False

    @pytest.fixture
    def open_with(self, pg_url: str) -> OpenWith:
        return lambda embedder: PostgresStore.open(pg_url, embedder, exact_limit=20_000)


def test_a_team_library_refuses_a_model_of_another_size(pg_url: str) -> None:
    from sourcewise.core.errors import StoreError
    from sourcewise.core.testing.embedder import HashEmbedder

    PostgresStore.open(pg_url, HashEmbedder(64), exact_limit=20_000).close()
    with pytest.raises(StoreError, match="64-dimensional vectors"):
        PostgresStore.open(pg_url, HashEmbedder(32), exact_limit=20_000)


def test_a_team_librarys_swapped_vectors_have_statistics(pg_url: str) -> None:
    """The renamed side table is analysed at the swap: PgVectors reads its size from them."""
    from sourcewise.core.ingest import reembed
    from sourcewise.core.progress import CancelToken
    from sourcewise.core.testing.contracts.reembed import TEXTS, add_file
    from sourcewise.core.testing.embedder import HashEmbedder

    old, new = HashEmbedder(64), HashEmbedder(64, "b")
    store = PostgresStore.open(pg_url, old, exact_limit=20_000)
    for name, texts in TEXTS.items():
        add_file(store, old, name, texts)
    store.close()
    store = PostgresStore.open(pg_url, new, exact_limit=20_000)
    reembed.reembed_all(store, new, 8, lambda _p: None, CancelToken())
    assert store.vectors._estimated_count() == 6
    store.close()
