"""The engine on the store ``store.backend`` names: a team library on PostgreSQL with the
user's chats kept locally, and a switch of backend applied to a running engine."""

from __future__ import annotations

from pathlib import Path

from sourcewise.core.store.postgres.store import PostgresStore
from sourcewise.core.store.sqlite_store import SqliteStore
from tests.fakes import fake_engine


def test_engine_switches_between_local_and_team_library(tmp_path: Path, pg_url: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("The lighthouse keeper logs the tides at dawn.")
    engine = fake_engine(tmp_path / "home")
    try:
        assert isinstance(engine._parts.store, SqliteStore)
        team = engine.settings.model_copy(
            update={"store": engine.settings.store.model_copy(
                update={"backend": "postgres", "url": pg_url})}
        )  # fmt: skip
        assert "index" in engine.apply_settings(team)
        assert isinstance(engine._parts.store, PostgresStore)
        assert engine.library.index([docs]).files_indexed == 1
        assert engine.library.search("lighthouse tides")[0].path.endswith("note.txt")

        chat = engine._parts.chats.create("tides")
        assert [c.id for c in engine._parts.chats.conversations()] == [chat]
        assert (tmp_path / "home" / "personal.db").exists()

        local = team.model_copy(
            update={"store": team.store.model_copy(update={"backend": "sqlite"})}
        )
        engine.apply_settings(local)
        assert isinstance(engine._parts.store, SqliteStore) and engine._parts.store.is_empty()
        assert engine._parts.chats.conversations() == []  # the local index keeps its own chats
    finally:
        engine.close()
