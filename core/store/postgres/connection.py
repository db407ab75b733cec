"""Opening the library's PostgreSQL connection (psycopg 3, imported only for this backend),
and the adapter that lets the portable read queries of ``core/store`` run on it."""

from __future__ import annotations

import re
from typing import Any

from sourcewise.core.errors import IndexError_

# A password written into a URL (user:secret@host) is masked in every message.
_PASSWORD = re.compile(r"(//[^:/@]+:)[^@]*@")


def masked(url: str) -> str:
    return _PASSWORD.sub(r"\1***@", url)


def connect(url: str, password: str | None = None) -> Any:
    """An autocommit connection (each write opens its own transaction, and reads never hold
    one open); IndexError_ saying so when the server cannot be reached. Without ``password``
    libpq finds one itself (PGPASSWORD, ~/.pgpass or PGPASSFILE), if the server asks."""
    if not url:
        raise IndexError_(
            "store.backend = 'postgres' needs store.url, the team library's libpq URL "
            "(e.g. postgresql://alice@db.lan/library)"
        )
    try:
        import psycopg
    except ImportError as err:
        raise IndexError_(
            "store.backend = 'postgres' needs psycopg: pip install 'sourcewise[postgres]'"
        ) from err
    try:
        extra: dict[str, Any] = {} if password is None else {"password": password}
        return psycopg.connect(url, autocommit=True, connect_timeout=10, **extra)
    except psycopg.Error as err:
        raise IndexError_(f"cannot reach the team library at {masked(url)}: {err}") from err


class Portable:
    """A psycopg connection answering queries written with SQLite's ``?`` placeholders.

    Only for the shared read modules, whose SQL holds no literal ``?`` or ``%``."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), list(parameters))
