"""The one thing the store's portable read queries need of a connection: ``execute`` with
``?`` placeholders, returning a cursor (``fetchone``, ``fetchall``, ``description``).

A SQLite connection (or sqlite-utils database) is one; ``store.postgres.connection.Portable``
makes a psycopg connection one. The reads written in plain SQL (catalog.py, cards.py,
passages.py, document_chunks.py) are shared by both backends this way; each backend keeps its
own writes, schema and full-text and vector search.
"""

from __future__ import annotations

from typing import Any, Protocol


class Queryable(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...


def beneath(column: str, folder: str) -> tuple[str, list[Any]]:
    """A condition true for the paths in ``column`` strictly beneath ``folder``, and its
    parameters. The prefix length is ``length()`` of the parameter itself, not a number
    computed here: a team library maps path parameters to their stored form
    (store/postgres/shared_roots.py), whose length differs."""
    prefix = folder.rstrip("/") + "/"
    return f"substr({column}, 1, length(CAST(? AS TEXT))) = ?", [prefix, prefix]
