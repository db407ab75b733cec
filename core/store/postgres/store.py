"""The team library: the store protocol on PostgreSQL + pgvector.

PostgreSQL is the only copy of everything (no FAISS cache to rebuild: pgvector's HNSW index
lives in the database), so several indexers and many searching apps share one library. The
reads written in portable SQL are the SQLite index's own (catalog, cards, passages,
whole-document reads); writes, schema, vector and full-text search are this package's.
"""

from __future__ import annotations

import threading
from typing import Any

from sourcewise.core.embed.base import Embedder
from sourcewise.core.errors import IndexError_
from sourcewise.core.store.catalog import Catalog
from sourcewise.core.store.content import locked
from sourcewise.core.store.library_reads import LibraryReads
from sourcewise.core.store.postgres.bm25 import PgKeywords
from sourcewise.core.store.postgres.claims import PgClaims
from sourcewise.core.store.postgres.connection import Portable, connect
from sourcewise.core.store.postgres.content import PgContent
from sourcewise.core.store.postgres.migrations import migrate
from sourcewise.core.store.postgres.search import PgCards, PgVectors, vector_text
from sourcewise.core.store.postgres.shared_roots import SharedRoots
from sourcewise.core.store.vectors import FloatArray, IdArray

ANALYZE_AFTER = 1000  # chunks written by an index run before the statistics are refreshed


class PostgresStore(LibraryReads):
    def __init__(
        self, conn: Any, embedder: Embedder, exact_limit: int, roots: SharedRoots | None = None
    ) -> None:
        self.conn = conn
        self.embed_model = embedder.name
        self.dim = embedder.dim
        # One connection per app, shared by its indexing thread, searches and watcher.
        self.lock = threading.RLock()
        self.reembed_needed = False
        self.shared_roots = roots or SharedRoots()
        # The shared read SQL (catalog, cards, passages) runs on it, paths mapped.
        reader = Portable(conn, self.shared_roots)
        self.reader = reader
        self.vectors = PgVectors(conn, exact_limit)
        self.keywords = PgKeywords(conn)
        self.content = PgContent(conn, self.lock, self.embed_model, self.shared_roots)
        self.catalog = Catalog(reader, self.vectors, self.embed_model, self.meta)
        self.cards = PgCards(conn, reader)
        self.claims = PgClaims(conn, self.lock)

    @classmethod
    def open(
        cls,
        url: str,
        embedder: Embedder,
        exact_limit: int,
        password: str | None = None,
        roots: SharedRoots | None = None,
    ) -> PostgresStore:
        conn = connect(url, password)
        migrate(conn, embedder.dim)
        store = cls(conn, embedder, exact_limit, roots)
        store._check_model(embedder)
        return store

    def close(self) -> None:
        self.conn.close()

    def _check_model(self, embedder: Embedder) -> None:
        with self.conn.transaction():
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES ('embed_model', %s), ('embed_dim', %s) "
                "ON CONFLICT DO NOTHING",
                [embedder.name, str(embedder.dim)],
            )
        stored, dim = self.meta("embed_model"), int(self.meta("embed_dim") or 0)
        if dim != embedder.dim:
            raise IndexError_(
                f"the team library holds {dim}-dimensional vectors ({stored}); "
                f"{embedder.name} makes {embedder.dim}: use the library's embedding model"
            )
        self.reembed_needed = stored != embedder.name

    # -- meta and re-embedding -----------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = %s", [key]).fetchone()
        return None if row is None else str(row[0])

    def save_vectors(self) -> None:
        """The end of an index run (the SQLite index writes its FAISS cache here). The vectors
        live in the database; what is refreshed is the planner's statistics, after a run that
        wrote ``ANALYZE_AFTER`` chunks or more: keyword search counts a word's rows by index
        or by scan on them, and a library just loaded has none until autovacuum comes by
        (a rare word was counted by reading all 5k SciFact chunks, 10 ms a word)."""
        if self.content.chunks_written >= ANALYZE_AFTER:
            with self.lock:
                self.conn.execute("ANALYZE chunks, vectors, documents, cards")
                self.content.chunks_written = 0

    @locked
    def replace_vectors(self, ids: IdArray, vecs: FloatArray) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.executemany(
                "UPDATE vectors SET vec = %s::vector WHERE chunk_id = %s",
                [(vector_text(vecs[i]), int(cid)) for i, cid in enumerate(ids)],
            )
            cur.execute("UPDATE meta SET value = 'reembedding' WHERE key = 'embed_model'")

    @locked
    def finish_reembed(self) -> None:
        with self.conn.transaction():
            self.conn.execute("UPDATE blobs SET embed_model = %s", [self.embed_model])
            self.conn.execute(
                "UPDATE meta SET value = %s WHERE key = 'embed_model'", [self.embed_model]
            )
        self.reembed_needed = False
