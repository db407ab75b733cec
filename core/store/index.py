"""The index: SQLite (via sqlite-utils) for everything, FAISS for fast vector search.

SQLite is the source of truth and commits one file at a time, so an interrupted run (crash,
kill -9, power loss) leaves a consistent index and a rerun skips committed files. The FAISS
index is a cache of the ``vectors`` table, reconciled on open.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils

from sourcewise.core.embed.base import Embedder
from sourcewise.core.errors import IndexError_
from sourcewise.core.settings import Settings
from sourcewise.core.store import cards, catalog
from sourcewise.core.store.content import BlobInfo, ChunkRecord, ContentWrites, locked
from sourcewise.core.store.migrations import migrate
from sourcewise.core.store.vectors import FloatArray, IdArray, VectorIndex
from sourcewise.core.types import DocumentInfo, IndexStatus, Passage, RootFolder

# ChunkRecord and BlobInfo moved to store/content.py with the writes; importers keep using this
# module, which stays the store's entry point.
__all__ = ["BlobInfo", "ChunkRecord", "Index"]


class Index(ContentWrites):
    """The open index; content writes come from ``ContentWrites`` (store/content.py)."""

    def __init__(self, db: sqlite_utils.Database, vectors: VectorIndex, embed_model: str) -> None:
        self.db = db
        self.vectors = vectors
        self.embed_model = embed_model
        # One connection and one FAISS index shared by the indexing thread, searches and the
        # folder watcher: each write (one file) and each search's first stage hold this lock,
        # so searches interleave with a long indexing job instead of waiting for it.
        self.lock = threading.RLock()

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings, embedder: Embedder) -> Index:
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
            raise IndexError_(f"cannot open the index at {settings.db_path}: {err}") from err
        vectors = VectorIndex(embedder.dim, settings.vectors_dir, settings.index.exact_search_limit)
        index = cls(db, vectors, embedder.name)
        index._check_model(embedder)
        if not index.reembed_needed:
            index._load_vectors()
        return index

    def close(self) -> None:
        self.db.conn.close()

    def _check_model(self, embedder: Embedder) -> None:
        stored = self.meta("embed_model")
        if stored is None:
            self.set_meta("embed_model", embedder.name)
            self.set_meta("embed_dim", str(embedder.dim))
        # Vectors of another model are useless to this one (even when the sizes match):
        # the next indexing run re-embeds every chunk before anything else.
        self.reembed_needed = stored is not None and stored != embedder.name

    @locked
    def replace_vectors(self, ids: IdArray, vecs: FloatArray) -> None:
        """Overwrite stored vectors (re-embedding with a new model), one transaction per call."""
        with self.db.conn:
            self.db.conn.executemany(
                "UPDATE vectors SET vec = ? WHERE chunk_id = ?",
                [(vecs[i].astype(np.float32).tobytes(), int(cid)) for i, cid in enumerate(ids)],
            )
            self.db.execute("UPDATE meta SET value = 'reembedding' WHERE key = 'embed_model'")

    def finish_reembed(self) -> None:
        with self.db.conn:
            self.db.execute("UPDATE blobs SET embed_model = ?", [self.embed_model])
            self.db.execute(
                "UPDATE meta SET value = ? WHERE key = 'embed_model'", [self.embed_model]
            )
            self.db.execute(
                "INSERT INTO meta(key, value) VALUES ('embed_dim', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [str(self.vectors.dim)],
            )
            self._bump_generation()
        self.reembed_needed = False
        self.rebuild_vectors()

    # -- meta ----------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    @locked
    def set_meta(self, key: str, value: str) -> None:
        with self.db.conn:
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

    def vectors_for(self, chunk_ids: list[int]) -> dict[int, FloatArray]:
        out: dict[int, FloatArray] = {}
        dim = self.vectors.dim
        for start in range(0, len(chunk_ids), 900):
            part = chunk_ids[start : start + 900]
            marks = ",".join("?" * len(part))
            sql = f"SELECT chunk_id, vec FROM vectors WHERE chunk_id IN ({marks})"
            for cid, vec in self.db.execute(sql, part).fetchall():
                out[int(cid)] = np.frombuffer(vec, dtype=np.float32, count=dim)
        return out

    # -- collections and documents ---------------------------------------------------------
    @locked
    def collection_id(self, name: str, create: bool = True) -> int | None:
        row = self.db.execute("SELECT id FROM collections WHERE name = ?", [name]).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            return None
        with self.db.conn:
            cur = self.db.execute(
                "INSERT INTO collections(name, created) VALUES (?, ?)", [name, time.time()]
            )
        return int(cur.lastrowid or 0)

    @locked
    def add_root(self, collection_id: int, path: Path, watch: bool = False) -> None:
        with self.db.conn:
            self.db.execute(
                "INSERT INTO roots(collection_id, path, watch) VALUES (?, ?, ?) "
                "ON CONFLICT(collection_id, path) DO UPDATE SET watch = max(watch, excluded.watch)",
                [collection_id, str(path), int(watch)],
            )

    @locked
    def set_watch(self, collection: str, folder: str, watch: bool) -> None:
        """Record whether a root folder is watched for changes."""
        with self.db.conn:
            self.db.execute(
                "UPDATE roots SET watch = ? WHERE path = ? AND collection_id = "
                "(SELECT id FROM collections WHERE name = ?)",
                [int(watch), folder, collection],
            )

    def roots(self, watched_only: bool = False) -> list[RootFolder]:
        sql = "SELECT c.name, r.path, r.watch FROM roots r JOIN collections c ON c.id = r.collection_id"
        if watched_only:
            sql += " WHERE r.watch = 1"
        return [RootFolder(str(a), str(b), bool(c)) for a, b, c in self.db.execute(sql).fetchall()]

    def document(self, collection_id: int, path: str) -> dict[str, Any] | None:
        cur = self.db.execute(
            "SELECT * FROM documents WHERE collection_id = ? AND path = ?", [collection_id, path]
        )
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def paths_under(self, collection_id: int, folder: str) -> dict[str, dict[str, Any]]:
        """Documents at or beneath ``folder``: path -> row."""
        prefix = folder.rstrip("/") + "/"
        cur = self.db.execute(
            "SELECT * FROM documents WHERE collection_id = ? AND (path = ? OR substr(path, 1, ?) = ?)",
            [collection_id, folder, len(prefix), prefix],
        )
        names = [d[0] for d in cur.description]
        rows = (dict(zip(names, row, strict=True)) for row in cur.fetchall())
        return {str(r["path"]): r for r in rows}

    # -- reads for document-aware retrieval (store/cards.py) -----------------------------------
    def search_cards(self, terms: list[str], limit: int) -> dict[int, float]:
        return cards.search_cards(self.db.conn, terms, limit)

    def chunks_of_documents(self, doc_ids: list[int]) -> IdArray:
        return cards.chunks_of_documents(self.db.conn, doc_ids)

    def card_names(self, doc_ids: list[int]) -> list[tuple[str, str, str]]:
        return cards.card_names(self.db.conn, doc_ids)

    def chunk_documents(self, chunk_ids: list[int]) -> dict[int, list[int]]:
        return cards.chunk_documents(self.db.conn, chunk_ids)

    def hit_rows(self, chunk_ids: list[int], where: str, args: list[Any]) -> list[tuple[Any, ...]]:
        return cards.hit_rows(self.db.conn, chunk_ids, where, args)

    # -- reads for status screens --------------------------------------------------------------
    def is_empty(self) -> bool:
        """No chunk indexed yet (so an answer can say so instead of "not covered")."""
        return self.db.execute("SELECT 1 FROM chunks LIMIT 1").fetchone() is None

    def status(self) -> IndexStatus:
        return catalog.status(self)

    def documents(self, collection: str | None = None) -> list[DocumentInfo]:
        return catalog.documents(self, collection)

    def passages(self, min_tokens: int = 0) -> list[Passage]:
        return catalog.passages(self, min_tokens)
