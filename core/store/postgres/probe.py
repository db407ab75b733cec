"""Testing a team library's connection before it is used (the settings dialog's "Test
connection"): connect, look for pgvector and for a Sourcewise library, change nothing.

Each failure gets a plain sentence a user can act on: the server is unreachable (nothing
answers, the host is unknown, the wait timed out), it refused the login, the database is
missing, or the URL itself is malformed. libpq's own words follow as the detail.
"""

from __future__ import annotations

from typing import Any

from sourcewise.core.store.postgres.connection import masked
from sourcewise.core.types import LibraryCheck

# Substrings of libpq's messages, in the order they are tried: (kind, what they mean).
_UNREACHABLE = ("connection refused", "could not translate host", "failed to resolve host",
                "name or service not known", "timeout expired", "no such file or directory",
                "network is unreachable", "no route to host", "could not connect")  # fmt: skip
_LOGIN = ("password authentication failed", "no password supplied", "authentication failed",
          "role \"", "pg_hba.conf")  # fmt: skip
PASSWORD_SOURCES = "PGPASSWORD, a passfile (~/.pgpass or PGPASSFILE) or SOURCEWISE_STORE__PASSWORD"


def probe(url: str, password: str | None = None, timeout_s: int = 5) -> LibraryCheck:
    """Whether ``url`` leads to a usable team library, read-only, in at most about
    ``timeout_s`` seconds per address the host name resolves to."""
    if not url.strip():
        return LibraryCheck(False, "No URL: enter the team library's libpq URL, e.g. "
                                   "postgresql://alice@db.lan/library.")  # fmt: skip
    try:
        import psycopg
    except ImportError:
        return LibraryCheck(False, "The PostgreSQL client is not installed on this computer: "
                                   "pip install 'sourcewise[postgres]'.")  # fmt: skip
    extra: dict[str, Any] = {} if password is None else {"password": password}
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=timeout_s, **extra) as conn:
            return _inspect(conn)
    except psycopg.ProgrammingError as err:  # libpq could not parse the URL
        return LibraryCheck(False, f"The URL is not a valid libpq URL: {_first_line(err)}.")
    except psycopg.Error as err:
        return _explain(_where(url), _first_line(err))


def _inspect(conn: Any) -> LibraryCheck:
    version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]
    has_vector = conn.execute(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"
    ).fetchone()
    if has_vector is None:
        return LibraryCheck(False, f"Connected to PostgreSQL {version}, but the server lacks "
                                   "the pgvector extension: ask its administrator to install "
                                   "it (https://github.com/pgvector/pgvector).")  # fmt: skip
    found = conn.execute("SELECT to_regclass('meta') IS NOT NULL AND "
                         "to_regclass('documents') IS NOT NULL").fetchone()  # fmt: skip
    if not found[0]:
        return LibraryCheck(True, f"Connected to PostgreSQL {version}. The database holds no "
                                  "library yet: saving creates an empty team library there.")  # fmt: skip
    documents = int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    row = conn.execute("SELECT value FROM meta WHERE key = 'embed_model'").fetchone()
    model = f", embedded with {row[0]}" if row else ""
    return LibraryCheck(True, f"Connected to PostgreSQL {version}: the team library holds "
                              f"{documents} documents{model}.", documents=documents)  # fmt: skip


def _explain(where: str, detail: str) -> LibraryCheck:
    low = detail.lower()
    if any(s in low for s in _LOGIN):
        summary = (f"The server at {where} answered but refused the login. The password is "
                   f"never saved by Sourcewise: it comes from {PASSWORD_SOURCES}.")  # fmt: skip
    elif "does not exist" in low and "database" in low:
        summary = f"The server answered, but the database in {where} does not exist."
    elif any(s in low for s in _UNREACHABLE):
        summary = (f"The server is unreachable: nothing answered at {where}. Check the host "
                   "and port, the network, and that PostgreSQL is running.")  # fmt: skip
    else:
        summary = f"Could not connect to the team library at {where}."
    return LibraryCheck(False, summary, detail=detail)


def _where(url: str) -> str:
    """Host, port and database, as the user would name them (not the whole URL's options)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - any parse failure: fall back to the (masked) URL
        return masked(url)
    host = str(info.get("host") or "localhost")
    port = str(info.get("port") or "5432")
    place = f"{host} (socket)" if host.startswith("/") else f"{host}:{port}"
    database = info.get("dbname") or info.get("user")
    return f"{place}, database {database}" if database else place


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0].strip() if text else type(err).__name__
