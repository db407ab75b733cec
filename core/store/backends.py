"""Opening the library store that ``store.backend`` names, and the SQLite database that keeps
one person's answers and chats.

With the SQLite backend both live in the one index database, as they always have. With a team
library (PostgreSQL) the answer log and the conversations stay on this machine, in
``Settings.personal_db_path``: they are one user's, and nothing about them needs sharing.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from sourcewise.core.embed.base import Embedder
from sourcewise.core.errors import StoreError
from sourcewise.core.settings import Settings
from sourcewise.core.store.migrations import migrate
from sourcewise.core.store.protocol import Store
from sourcewise.core.types import LibraryCheck


def open_store(settings: Settings, embedder: Embedder) -> Store:
    """The library of ``settings.store.backend``; StoreError when it cannot be opened."""
    if settings.store.backend == "postgres":
        from sourcewise.core.store.postgres.shared_roots import SharedRoots
        from sourcewise.core.store.postgres.store import PostgresStore

        return PostgresStore.open(
            settings.store.url,
            embedder,
            settings.index.exact_search_limit,
            password=_password(settings),
            roots=SharedRoots(settings.store.roots),
        )
    from sourcewise.core.store.sqlite_store import SqliteStore

    return SqliteStore.open(settings, embedder)


def check_library(settings: Settings) -> LibraryCheck:
    """Whether the library ``settings`` name can be opened from here, without opening it: for a
    team library, a read-only connection test; this computer's own library is always there."""
    if settings.store.backend != "postgres":
        return LibraryCheck(True, f"The library on this computer, in {settings.home}.")
    from sourcewise.core.store.postgres.probe import probe

    return probe(settings.store.url, _password(settings))


def _password(settings: Settings) -> str | None:
    """The team library's password, when given through SOURCEWISE_STORE__PASSWORD (else
    libpq finds one itself, or the server asks for none)."""
    secret = settings.store.password
    return None if secret is None else secret.get_secret_value()


@dataclass
class Records:
    """The database of the answer log and chats, and the lock its writes hold."""

    db: sqlite_utils.Database
    lock: threading.RLock = field(default_factory=threading.RLock)

    def close(self) -> None:
        self.db.conn.close()  # a second close (the index's own, for SQLite) is harmless


def open_records(store: Store, settings: Settings) -> Records:
    """The SQLite index itself, sharing its connection and lock (a chat write must not commit
    the indexing thread's transaction), or the personal database next to a team library."""
    from sourcewise.core.store.sqlite_store import SqliteStore

    if isinstance(store, SqliteStore):
        return Records(store.db, store.lock)
    return Records(open_personal_db(settings.personal_db_path))


def open_personal_db(path: Path) -> sqlite_utils.Database:
    """The SQLite schema (of which only the answer log and chat tables are used here)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite_utils.Database(sqlite3.connect(path, check_same_thread=False, timeout=30))
        db.execute("PRAGMA journal_mode=WAL")
        migrate(db)
    except sqlite3.DatabaseError as err:
        raise StoreError(f"cannot open the answer and chat records at {path}: {err}") from err
    return db
