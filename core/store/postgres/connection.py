"""Opening the library's PostgreSQL connection (psycopg 3, imported only for this backend),
and the adapter that lets the portable read queries of ``core/store`` run on it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sourcewise.core.errors import StoreError
from sourcewise.core.store.postgres.shared_roots import PATH_COLUMNS, SharedRoots

# A password written into a URL (user:secret@host) is masked in every message.
_PASSWORD = re.compile(r"(//[^:/@]+:)[^@]*@")


def masked(url: str) -> str:
    return _PASSWORD.sub(r"\1***@", url)


def connect(url: str, password: str | None = None) -> Any:
    """An autocommit connection (each write opens its own transaction, and reads never hold
    one open); StoreError saying so when the server cannot be reached. Without ``password``
    libpq finds one itself (PGPASSWORD, ~/.pgpass or PGPASSFILE), if the server asks."""
    if not url:
        raise StoreError(
            "store.backend = 'postgres' needs store.url, the team library's libpq URL "
            "(e.g. postgresql://alice@db.lan/library)"
        )
    try:
        import psycopg
    except ImportError as err:
        raise StoreError(
            "store.backend = 'postgres' needs psycopg: pip install 'sourcewise[postgres]'"
        ) from err
    try:
        extra: dict[str, Any] = {} if password is None else {"password": password}
        return psycopg.connect(url, autocommit=True, connect_timeout=10, **extra)
    except psycopg.Error as err:
        raise StoreError(f"cannot reach the team library at {masked(url)}: {err}") from err


class Portable:
    """A psycopg connection answering queries written with SQLite's ``?`` placeholders, with
    the library's paths mapped to this machine's (``shared_roots.py``): string parameters on
    the way in, ``path`` and ``folder`` columns on the way out.

    Only for the shared read modules, whose SQL holds no literal ``?`` or ``%`` and compares
    path prefixes by ``length(?)`` of the mapped parameter, never by a length computed here."""

    def __init__(self, conn: Any, roots: SharedRoots | None = None) -> None:
        self.conn = conn
        self.roots = roots or SharedRoots()

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        args = list(parameters)
        if self.roots:
            args = [self.roots.stored(a) if isinstance(a, str) else a for a in args]
        cur = self.conn.execute(sql.replace("?", "%s"), args)
        return _LocalPaths(cur, self.roots) if self.roots else cur


class _LocalPaths:
    """A cursor whose ``path`` and ``folder`` columns come back as this machine's paths."""

    def __init__(self, cur: Any, roots: SharedRoots) -> None:
        self.cur = cur
        self.roots = roots
        names = [d[0] for d in (cur.description or [])]
        self.columns = [i for i, n in enumerate(names) if n in PATH_COLUMNS]

    @property
    def description(self) -> Any:
        return self.cur.description

    def _row(self, row: Any) -> Any:
        if row is None or not self.columns:
            return row
        out = list(row)
        for i in self.columns:
            if isinstance(out[i], str):
                out[i] = self.roots.local(out[i])
        return tuple(out)

    def fetchone(self) -> Any:
        return self._row(self.cur.fetchone())

    def fetchall(self) -> list[Any]:
        return [self._row(r) for r in self.cur.fetchall()]

    def __iter__(self) -> Iterator[Any]:
        return (self._row(r) for r in self.cur)
