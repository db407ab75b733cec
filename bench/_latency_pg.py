"""The PostgreSQL side of bench/latency.py: a local server (the ``pgserver`` wheel, as the
tests use; or ``--pg-url``), one schema per corpus size, loaded by COPY.

Why COPY and not ``PgContent.commit_new_content``: the store's write path sends every vector
as text and inserts it into a live HNSW graph one row at a time, which takes hours at a million
chunks on two cores. The bulk path writes the same rows into the same tables the store's
migrations create, with the HNSW index dropped during the load and then created again with the
migration's own definition (pgvector builds it far faster in one pass than row by row), and
ANALYZE afterwards so the store's exact-or-HNSW choice sees the real row count.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
from _synthetic import DIM, DOC_CHUNKS, WORDS, block_texts, block_vectors, blocks

from sourcewise.core.store.postgres.store import PostgresStore
from sourcewise.core.store.rows import FloatArray

_HNSW = "CREATE INDEX vectors_hnsw ON vectors USING hnsw (vec vector_ip_ops)"  # m001's index


@contextlib.contextmanager
def server(folder: Path, url: str | None) -> Iterator[str]:
    """The URL of ``url``'s server, or of a pgserver one kept in ``folder`` between runs."""
    if url:
        yield url
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR warning
        import pgserver

        srv = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        yield str(srv.get_uri())
    finally:
        srv.cleanup()


def schema_url(server_url: str, schema: str, fresh: bool = False) -> str:
    """``server_url`` with ``schema`` (created if missing; emptied first when ``fresh``) first
    on the search path: one library per schema on one server."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        if fresh:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    sep = "&" if "?" in server_url else "?"
    return f"{server_url}{sep}options={quote(f'-c search_path={schema},public')}"


def build(store: PostgresStore, n: int) -> None:
    """Load chunks up to ``n`` (a partial earlier load is continued), then index and analyse."""
    conn = store.conn
    have = int(conn.execute("SELECT count(*) FROM chunks").fetchone()[0])
    indexed = conn.execute("SELECT to_regclass('vectors_hnsw')").fetchone()[0] is not None
    if have >= n and indexed:
        return
    cid = store.content.collection_id("synthetic") or 0
    conn.execute("DROP INDEX IF EXISTS vectors_hnsw")
    for start, count in blocks(n, have):
        with conn.transaction():
            _copy_block(conn, cid, start, count)
        print(f"  copied {start + count}/{n}", file=sys.stderr, flush=True)
    for table in ("blobs", "documents", "chunks"):
        conn.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    # Enough memory to build the graph in memory (pgvector warns and slows down otherwise),
    # and every core for pgvector's parallel build.
    conn.execute("SET maintenance_work_mem = '4GB'")
    conn.execute(f"SET max_parallel_maintenance_workers = {max(0, (os.cpu_count() or 1) - 1)}")
    t0 = time.perf_counter()
    conn.execute(_HNSW)
    conn.execute("ANALYZE")
    print(f"  HNSW index built in {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)


def _copy_block(conn: Any, cid: int, start: int, count: int) -> None:
    # Blocks start at multiples of DOC_CHUNKS, so a document never spans two of them.
    texts = block_texts(start)[:count]
    docs = range(start // DOC_CHUNKS, (start + count + DOC_CHUNKS - 1) // DOC_CHUNKS)
    with conn.cursor() as cur:
        with cur.copy(
            "COPY blobs(id, sha256, size, file_type, chunk_count, embed_model) FROM STDIN"
        ) as cp:
            for d in docs:
                cp.write_row((d + 1, f"synthetic-{d}", 0, "txt", DOC_CHUNKS, "synthetic-384"))
        with cur.copy(
            "COPY documents(id, collection_id, path, folder, file_type, size, mtime, sha256, "
            "blob_id, status, indexed_at) FROM STDIN"
        ) as cp:
            for d in docs:
                cp.write_row((d + 1, cid, f"/synthetic/doc{d}.txt", "/synthetic", "txt", 0, 0,
                              f"synthetic-{d}", d + 1, "indexed", 0))  # fmt: skip
        with cur.copy(
            'COPY chunks(id, blob_id, ord, text, heading, start, "end", tokens) FROM STDIN'
        ) as cp:
            for i, text in enumerate(texts, start=start):
                cp.write_row((i + 1, i // DOC_CHUNKS + 1, i % DOC_CHUNKS, text, "", 0, 0, WORDS))
        with cur.copy("COPY vectors(chunk_id, vec) FROM STDIN (FORMAT BINARY)") as cp:
            cp.write(_binary_vectors(start, block_vectors(start)[:count]))


def _binary_vectors(start: int, vecs: FloatArray) -> bytes:
    """COPY's binary format for (bigint, vector) rows: pgvector's wire form is a 2-byte
    dimension, 2 unused bytes, then big-endian float4s. Text would cost a minute per 100k."""
    row = np.dtype([("fields", ">i2"), ("id_len", ">i4"), ("id", ">i8"), ("vec_len", ">i4"),
                    ("dim", ">i2"), ("unused", ">i2"), ("vec", ">f4", (DIM,))])  # fmt: skip
    rows = np.zeros(len(vecs), dtype=row)
    rows["fields"], rows["id_len"], rows["vec_len"], rows["dim"] = 2, 8, 4 + 4 * DIM, DIM
    rows["id"] = np.arange(start + 1, start + len(vecs) + 1)
    rows["vec"] = vecs
    header = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
    return header + rows.tobytes() + b"\xff\xff"


def disk_bytes(store: PostgresStore) -> int:
    """Tables plus their indexes and TOAST, in the store's schema."""
    row = store.conn.execute(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        "JOIN pg_namespace s ON s.oid = c.relnamespace "
        "WHERE s.nspname = current_schema() AND c.relkind = 'r'"
    ).fetchone()
    return int(row[0])
