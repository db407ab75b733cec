"""The index: SQLite (via sqlite-utils) for everything, FAISS for fast vector search.

SQLite is the source of truth and commits one file at a time, so an interrupted run (crash,
kill -9, power loss) leaves a consistent index and a rerun skips committed files. The FAISS
index is a cache of the ``vectors`` table, reconciled on open.
"""

from __future__ import annotations

import sqlite3
import threading

import numpy as np
import sqlite_utils

from sourcewise.core.embed.base import Embedder
from sourcewise.core.errors import StoreError
from sourcewise.core.settings import Settings
from sourcewise.core.store.cards import Cards
from sourcewise.core.store.catalog import (
    MIXED_MODELS,
    REEMBED_DIM,
    REEMBED_KEYS,
    REEMBED_MODEL,
    REEMBED_UPTO,
    Catalog,
)
from sourcewise.core.store.claims import SoleIndexer
from sourcewise.core.store.content import ContentWrites, locked
from sourcewise.core.store.fts import FtsKeywords
from sourcewise.core.store.library_reads import LibraryReads
from sourcewise.core.store.migrations import REEMBED_SIDE_TABLE, migrate
from sourcewise.core.store.rows import FloatArray, IdArray
from sourcewise.core.store.vectors import VectorIndex


class SqliteStore(LibraryReads):
    """The open index, made of parts that share its connection, lock and FAISS index:
    ``content`` (every write, store/content.py), ``catalog`` (what is indexed, for status
    screens, ingestion and sampling), ``cards`` (the reads of document-aware retrieval) and
    ``vectors`` (the FAISS cache of the vectors table, kept in step here). The engine's own
    calls (status, documents, roots...) are answered by ``LibraryReads``."""

    def __init__(self, db: sqlite_utils.Database, vectors: VectorIndex, embed_model: str) -> None:
        self.db = db
        self.vectors = vectors
        self.embed_model = embed_model
        # One connection and one FAISS index shared by the indexing thread, searches and the
        # folder watcher: each write (one file) and each search's first stage hold this lock,
        # so searches interleave with a long indexing job instead of waiting for it.
        self.lock = threading.RLock()
        self.content = ContentWrites(db, self.lock, vectors, embed_model,
                                     bump_generation=self._bump_generation,
                                     rebuild_vectors=self.rebuild_vectors)  # fmt: skip
        self.catalog = Catalog(db, vectors, embed_model, self.meta)
        self.cards = Cards(db.conn)
        self.reader = db.conn
        self.keywords = FtsKeywords(db.conn)
        self.claims = SoleIndexer()

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings, embedder: Embedder) -> SqliteStore:
        settings.home.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(settings.db_path, check_same_thread=False, timeout=30)
            db = sqlite_utils.Database(conn)
            # WAL + NORMAL: each file's commit is atomic and durable enough to survive kill -9;
            # a power cut may lose the last commits, never consistency.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            migrate(db)
        except sqlite3.DatabaseError as err:
            raise StoreError(f"cannot open the index at {settings.db_path}: {err}") from err
        # The live vectors' size: the previous model's while a change of model re-embeds.
        row = db.execute("SELECT value FROM meta WHERE key = 'embed_dim'").fetchone()
        dim = int(row[0]) if row else embedder.dim
        vectors = VectorIndex(dim, settings.vectors_dir, settings.index.exact_search_limit)
        index = cls(db, vectors, embedder.name)
        index.check_model(embedder)
        if index.meta("embed_model") != MIXED_MODELS:
            index._load_vectors()
        return index

    def close(self) -> None:
        self.db.conn.close()

    def check_model(self, embedder: Embedder) -> None:
        """Whether the index's vectors are ``embedder``'s (``reembed_needed`` when not)."""
        stored = self.meta("embed_model")
        if stored is None:
            self.set_meta("embed_model", embedder.name)
            self.set_meta("embed_dim", str(embedder.dim))
        # Vectors of another model are useless to this one (even when the sizes match): the
        # next indexing run re-embeds every chunk beside them, and search reads them meanwhile.
        self.reembed_needed = stored is not None and stored != embedder.name
        self.content.reembedding = self.reembed_needed

    # -- re-embedding after a change of model (store/catalog.py) -----------------------------
    @locked
    def begin_reembed(self, model: str, dim: int) -> int:
        """Start or resume re-embedding with ``model``: returns the chunk id done up to. Side
        vectors of another model (the setting changed again meanwhile) are dropped."""
        if self.meta(REEMBED_MODEL) == model and self.meta(REEMBED_DIM) == str(dim):
            return int(self.meta(REEMBED_UPTO) or 0)
        with self.db.conn:
            self.db.execute("DELETE FROM reembed_vectors")
            for key, value in zip(REEMBED_KEYS, (model, str(dim), "0"), strict=True):
                self._put_meta(key, value)
        return 0

    @locked
    def add_reembedded(self, ids: IdArray, vecs: FloatArray, upto: int) -> None:
        """Store new-model vectors and the chunk id done up to, in one transaction."""
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO reembed_vectors(chunk_id, vec) VALUES (?, ?)",
                [(int(cid), vecs[i].astype(np.float32).tobytes()) for i, cid in enumerate(ids)],
            )
            self._put_meta(REEMBED_UPTO, str(upto))

    @locked
    def finish_reembed(self) -> bool:
        """Make the new vectors the live ones in one transaction, once every chunk has one;
        False, with nothing changed, while some chunk still lacks one."""
        model, dim = self.meta(REEMBED_MODEL) or self.embed_model, self.meta(REEMBED_DIM)
        try:
            with self.db.conn:
                # The first write takes SQLite's write lock: no chunk arrives after the check.
                self._bump_generation()
                if not self.catalog.reembed_complete():
                    raise _Incomplete
                # Renames, not copies: the swap costs the same for ten chunks or a million.
                self.db.execute("DROP TABLE vectors")
                self.db.execute("ALTER TABLE reembed_vectors RENAME TO vectors")
                self.db.execute(REEMBED_SIDE_TABLE)
                self.db.execute("UPDATE blobs SET embed_model = ?", [model])
                self._put_meta("embed_model", model)
                self._put_meta("embed_dim", str(dim or self.vectors.dim))
                self.db.execute("DELETE FROM meta WHERE key IN (?, ?, ?)", list(REEMBED_KEYS))
        except _Incomplete:
            return False
        self.reembed_needed = self.content.reembedding = False
        self.vectors.dim = int(dim or self.vectors.dim)
        self.rebuild_vectors()
        return True

    @locked
    def abandon_reembed(self) -> None:
        """Drop the side vectors of a change of model that was changed back before it ended."""
        if self.meta(REEMBED_MODEL) is None:
            return
        with self.db.conn:
            self.db.execute("DELETE FROM reembed_vectors")
            self.db.execute("DELETE FROM meta WHERE key IN (?, ?, ?)", list(REEMBED_KEYS))

    # -- meta ----------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    @locked
    def set_meta(self, key: str, value: str) -> None:
        with self.db.conn:
            self._put_meta(key, value)

    def _put_meta(self, key: str, value: str) -> None:
        """Inside the caller's transaction."""
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    @property
    def generation(self) -> int:
        return int(self.meta("generation") or 0)

    def _bump_generation(self) -> None:
        # Called inside the caller's transaction, so the bump commits with the change itself.
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    # -- vectors -------------------------------------------------------------------------------
    def _load_vectors(self) -> None:
        if not self.vectors.load(self.generation):
            self.rebuild_vectors()

    def all_vectors(self) -> tuple[IdArray, FloatArray]:
        rows = self.db.execute("SELECT chunk_id, vec FROM vectors ORDER BY chunk_id").fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        dim = self.vectors.dim
        vecs = np.empty((len(rows), dim), dtype=np.float32)
        for i, row in enumerate(rows):
            vecs[i] = np.frombuffer(row[1], dtype=np.float32, count=dim)
        return ids, vecs

    def rebuild_vectors(self) -> None:
        self.vectors.rebuild(*self.all_vectors())

    @locked
    def save_vectors(self) -> None:
        if self.vectors.dirty:
            self.rebuild_vectors()
        self.vectors.save(self.generation)


class _Incomplete(Exception):
    """Rolls the swap back: some chunk has no vector of the new model yet."""
