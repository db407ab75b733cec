"""A throwaway PostgreSQL with pgvector for the postgres store's tests: one server per test
session (pgserver's bundled PostgreSQL 16 + pgvector 0.6, on a Unix socket in a temp folder),
one fresh schema per test. SOURCEWISE_TEST_PG_URL points the tests at an existing server with
pgvector instead (a system PostgreSQL); its database must allow CREATE SCHEMA."""

from __future__ import annotations

import itertools
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

_schemas = itertools.count(1)


def start_server(folder: Path) -> Iterator[str]:
    """The URL of a running server with the vector extension, stopped when the caller resumes
    the generator; skips the test (with why) when no server can start on this machine."""
    chosen = os.environ.get("SOURCEWISE_TEST_PG_URL")
    if chosen:
        _create_extension(chosen)
        yield chosen
        return
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI containers): harmless here.
        warnings.simplefilter("ignore")
        try:
            import pgserver
        except ImportError:
            pytest.skip("pgserver is not installed (pip install -e '.[dev]')")
        try:
            server = pgserver.get_server(folder, cleanup_mode="stop")
        except Exception as err:  # noqa: BLE001 - any start failure means "no server here"
            pytest.skip(f"pgserver could not start PostgreSQL on this machine: {err}")
    url = str(server.get_uri())
    _create_extension(url)
    try:
        yield url
    finally:
        server.cleanup()


def _create_extension(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")


def fresh_schema_url(server_url: str) -> str:
    """The server's URL with a new empty schema first on the search path (``public``, where
    the vector extension lives, after it): a clean library per test, made in milliseconds."""
    import psycopg

    schema = f"sw_test_{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in server_url else "?"
    return f"{server_url}{sep}options={quote(f'-c search_path={schema},public')}"
