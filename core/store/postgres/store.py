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
from sourcewise.core.errors import StoreError
from sourcewise.core.store.catalog import (
    REEMBED_DIM,
    REEMBED_KEYS,
    REEMBED_MODEL,
    REEMBED_UPTO,
    Catalog,
)
from sourcewise.core.store.content import locked
from sourcewise.core.store.library_reads import LibraryReads
from sourcewise.core.store.postgres.bm25 import PgKeywords
from sourcewise.core.store.postgres.claims import PgClaims
from sourcewise.core.store.postgres.connection import Portable, connect
from sourcewise.core.store.postgres.content import PgContent
from sourcewise.core.store.postgres.migrations import migrate
from sourcewise.core.store.postgres.search import PgCards, PgVectors, vector_text
from sourcewise.core.store.postgres.shared_roots import SharedRoots
from sourcewise.core.store.rows import FloatArray, IdArray

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
        store.check_model(embedder)
        return store

    def close(self) -> None:
        self.conn.close()

    def check_model(self, embedder: Embedder) -> None:
        """Whether the library's vectors are ``embedder``'s (``reembed_needed`` when not),
        read again at each indexing run: another machine may have changed the model since."""
        with self.conn.transaction():
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES ('embed_model', %s), ('embed_dim', %s) "
                "ON CONFLICT DO NOTHING",
                [embedder.name, str(embedder.dim)],
            )
        stored, dim = self.meta("embed_model"), int(self.meta("embed_dim") or 0)
        # A team library changes model only to one of the same size: a machine set up with
        # another model (bge-small-en's 384 against EmbeddingGemma's 768) must not re-embed
        # everyone's library by running `index` (docs/team.md).
        if dim != embedder.dim:
            raise StoreError(
                f"the team library holds {dim}-dimensional vectors ({stored}); "
                f"{embedder.name} makes {embedder.dim}: use the library's embedding model"
            )
        self.reembed_needed = stored != embedder.name
        self.content.reembedding = self.reembed_needed

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

    # -- re-embedding after a change of model (store/catalog.py) -----------------------------
    @locked
    def begin_reembed(self, model: str, dim: int) -> int:
        """Start or resume re-embedding with ``model``: returns the chunk id done up to. The
        side table is sized for it; one of another model (changed again meanwhile) is dropped."""
        if self.meta(REEMBED_MODEL) == model and self.meta(REEMBED_DIM) == str(dim):
            return int(self.meta(REEMBED_UPTO) or 0)
        with self.conn.transaction():
            self.conn.execute("DROP TABLE IF EXISTS reembed_vectors")
            self.conn.execute(
                "CREATE TABLE reembed_vectors (chunk_id BIGINT PRIMARY KEY REFERENCES chunks(id) "
                f"ON DELETE CASCADE, vec vector({int(dim)}) NOT NULL)"
            )
            for key, value in zip(REEMBED_KEYS, (model, str(dim), "0"), strict=True):
                self._put_meta(key, value)
        return 0

    @locked
    def add_reembedded(self, ids: IdArray, vecs: FloatArray, upto: int) -> None:
        """Store new-model vectors and the chunk id done up to, in one transaction (a chunk
        another indexer removed meanwhile is skipped)."""
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO reembed_vectors(chunk_id, vec) SELECT %s, %s::vector "
                "WHERE EXISTS (SELECT 1 FROM chunks WHERE id = %s) "
                "ON CONFLICT (chunk_id) DO UPDATE SET vec = excluded.vec",
                [(int(cid), vector_text(vecs[i]), int(cid)) for i, cid in enumerate(ids)],
            )
            self._put_meta(REEMBED_UPTO, str(upto))

    @locked
    def finish_reembed(self) -> bool:
        """Make the new vectors the live ones in one transaction, once every chunk has one;
        False, with nothing changed, while some chunk still lacks one."""
        model, dim = self.meta(REEMBED_MODEL) or self.embed_model, self.meta(REEMBED_DIM)
        # Built before the swap, outside its transaction: the swap itself is only renames.
        self.conn.execute(
            "CREATE INDEX IF NOT EXISTS reembed_vectors_hnsw ON reembed_vectors "
            "USING hnsw (vec vector_ip_ops)"
        )
        with self.conn.transaction():
            # Other indexers' chunk writes wait for the swap: none arrives after the check.
            self.conn.execute("LOCK TABLE chunks IN SHARE MODE")
            if not self.catalog.reembed_complete():
                return False
            for sql in _SWAP:
                self.conn.execute(sql)
            self.conn.execute("UPDATE blobs SET embed_model = %s", [model])
            self._put_meta("embed_model", model)
            self._put_meta("embed_dim", str(dim or self.dim))
            self.conn.execute("DELETE FROM meta WHERE key = ANY(%s)", [list(REEMBED_KEYS)])
        # The renamed table has no statistics yet: PgVectors would take it for a small one.
        self.conn.execute("ANALYZE vectors")
        self.reembed_needed = self.content.reembedding = False
        return True

    def abandon_reembed(self) -> None:
        """Nothing: on a team library another machine may be re-embedding to the model in the
        side table. It is dropped by the next change of model or by that machine's swap."""

    def _put_meta(self, key: str, value: str) -> None:
        """Inside the caller's transaction."""
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (%s, %s) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


# The side table, its index and constraints take the live ones' names.
_SWAP = (
    "DROP TABLE vectors",
    "ALTER TABLE reembed_vectors RENAME TO vectors",
    "ALTER INDEX reembed_vectors_hnsw RENAME TO vectors_hnsw",
    "ALTER TABLE vectors RENAME CONSTRAINT reembed_vectors_pkey TO vectors_pkey",
    "ALTER TABLE vectors RENAME CONSTRAINT reembed_vectors_chunk_id_fkey TO vectors_chunk_id_fkey",
)
