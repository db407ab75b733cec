"""Append-only numbered schema migrations of the PostgreSQL library (as ``store/migrations.py``
numbers SQLite's). Never edit a released one.

Same tables as the SQLite index, with pgvector and full-text search in place of FAISS and FTS5:
``vectors.vec`` is a ``vector(dim)`` with an HNSW index (inner product), and ``chunks.tsv`` /
``cards.tsv`` are generated ``tsvector`` columns weighted like the FTS5 tables' bm25 weights.
Migrations run in one transaction under an advisory lock, so two indexers starting together
never both apply one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Migration = Callable[[Any, int], None]

_LOCK_KEY = 7_215_001  # pg_advisory_xact_lock key of "migrating the Sourcewise schema"


def m001_initial(conn: Any, dim: int) -> None:
    conn.execute(
        """
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE collections (
            id BIGSERIAL PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE roots (
            id BIGSERIAL PRIMARY KEY,
            collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            watch INTEGER NOT NULL DEFAULT 0,
            UNIQUE (collection_id, path)
        );
        CREATE TABLE blobs (
            id BIGSERIAL PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            size BIGINT NOT NULL,
            file_type TEXT NOT NULL,
            title TEXT,
            author TEXT,
            page_count INTEGER,
            chunk_count INTEGER NOT NULL DEFAULT 0,
            text_length BIGINT NOT NULL DEFAULT 0,
            warnings TEXT,
            embed_model TEXT NOT NULL,
            card TEXT
        );
        CREATE TABLE documents (
            id BIGSERIAL PRIMARY KEY,
            collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            folder TEXT NOT NULL,
            file_type TEXT NOT NULL,
            size BIGINT NOT NULL,
            mtime DOUBLE PRECISION NOT NULL,
            sha256 TEXT,
            blob_id BIGINT REFERENCES blobs(id),
            status TEXT NOT NULL,
            error TEXT,
            indexed_at DOUBLE PRECISION NOT NULL,
            UNIQUE (collection_id, path)
        );
        CREATE INDEX documents_blob ON documents(blob_id);
        CREATE INDEX documents_sha ON documents(sha256);
        CREATE INDEX documents_path ON documents(path text_pattern_ops);
        CREATE TABLE chunks (
            id BIGSERIAL PRIMARY KEY,
            blob_id BIGINT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            text TEXT NOT NULL,
            heading TEXT NOT NULL DEFAULT '',
            page_start INTEGER,
            page_end INTEGER,
            page_label TEXT,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            tokens INTEGER NOT NULL,
            page_marks TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'text',
            -- A heading word weighs more than a body word (A > B), as a section title does.
            tsv TSVECTOR GENERATED ALWAYS AS (
                setweight(to_tsvector('english', heading), 'A') ||
                setweight(to_tsvector('english', text), 'B')
            ) STORED
        );
        CREATE INDEX chunks_blob ON chunks(blob_id, ord);
        CREATE INDEX chunks_tsv ON chunks USING gin(tsv);
        CREATE TABLE cards (
            document_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            periods TEXT NOT NULL,
            -- The file name and periods tell look-alike reports apart (as CARD_WEIGHTS).
            tsv TSVECTOR GENERATED ALWAYS AS (
                setweight(to_tsvector('english', name), 'A') ||
                setweight(to_tsvector('english', periods), 'A') ||
                setweight(to_tsvector('english', title), 'B') ||
                setweight(to_tsvector('english', body), 'C')
            ) STORED
        );
        CREATE INDEX cards_tsv ON cards USING gin(tsv);
        """
    )
    conn.execute(
        f"CREATE TABLE vectors (chunk_id BIGINT PRIMARY KEY REFERENCES chunks(id) "
        f"ON DELETE CASCADE, vec vector({int(dim)}) NOT NULL)"
    )
    conn.execute("CREATE INDEX vectors_hnsw ON vectors USING hnsw (vec vector_ip_ops)")


def m002_claims(conn: Any, dim: int) -> None:
    """Content an indexer has claimed to parse and embed (store/postgres/claims.py)."""
    conn.execute("CREATE TABLE claims (sha256 TEXT PRIMARY KEY, owner TEXT, expires TIMESTAMPTZ)")
    conn.execute("CREATE INDEX claims_owner ON claims(owner)")


def m003_chunk_grams(conn: Any, dim: int) -> None:
    """The gram index (store/grams.py), as SQLite's m008: a chunk's runs of Chinese, Japanese,
    Thai... as character pairs in ``grams``, searched through ``gram_tsv`` beside the word
    index ``tsv`` (unchanged). The 'simple' configuration keeps each pair as it is; BM25 reads
    a chunk's length in pairs from ``gram_count``. Existing chunks get theirs here, without
    re-embedding."""
    conn.execute(
        """
        ALTER TABLE chunks ADD COLUMN grams TEXT NOT NULL DEFAULT '';
        ALTER TABLE chunks ADD COLUMN gram_count INTEGER GENERATED ALWAYS AS (
            coalesce(array_length(string_to_array(nullif(grams, ''), ' '), 1), 0)
        ) STORED;
        ALTER TABLE chunks ADD COLUMN gram_tsv TSVECTOR GENERATED ALWAYS AS (
            to_tsvector('simple', grams)
        ) STORED;
        CREATE INDEX chunks_gram_tsv ON chunks USING gin(gram_tsv);
        """
    )
    from sourcewise.core.store.grams import chunk_grams

    last = 0
    while True:  # in batches, so a large library is never read into memory at once
        rows = conn.execute(
            "SELECT id, text, heading FROM chunks WHERE id > %s ORDER BY id LIMIT 2000", [last]
        ).fetchall()
        if not rows:
            break
        last = int(rows[-1][0])
        found = [(g, int(cid)) for cid, text, heading in rows if (g := chunk_grams(text, heading))]
        if found:
            with conn.cursor() as cur:
                cur.executemany("UPDATE chunks SET grams = %s WHERE id = %s", found)


def m004_sources(conn: Any, dim: int) -> None:
    """Source metadata per document and incremental state per source, as SQLite's m009."""
    conn.execute(
        """
        CREATE TABLE document_meta (
            document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            origin TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (document_id, origin, key, value)
        );
        CREATE INDEX document_meta_key ON document_meta(key, value);
        CREATE TABLE source_state (
            collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            state TEXT NOT NULL,
            PRIMARY KEY (collection_id, path)
        );
        """
    )


MIGRATIONS: list[Migration] = [m001_initial, m002_claims, m003_chunk_grams, m004_sources]


def migrate(conn: Any, dim: int) -> None:
    """Apply the migrations not yet applied, in order; ``dim`` sizes a new vectors column."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TIMESTAMPTZ "
            "NOT NULL DEFAULT now())"
        )
        done = {str(r[0]) for r in conn.execute("SELECT name FROM _migrations").fetchall()}
        for migration in MIGRATIONS:
            if migration.__name__ not in done:
                migration(conn, dim)
                conn.execute("INSERT INTO _migrations(name) VALUES (%s)", [migration.__name__])
