"""The index: SQLite (via sqlite-utils) for everything, FAISS for fast vector search.

SQLite is the source of truth and commits one file at a time, so an interrupted run (crash,
kill -9, power loss) leaves a consistent index and a rerun skips committed files. The FAISS
index is a cache of the ``vectors`` table, reconciled on open.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import sqlite_utils

from sourcewise.core.embed.base import Embedder
from sourcewise.core.errors import IndexError_
from sourcewise.core.settings import Settings
from sourcewise.core.store import catalog
from sourcewise.core.store.migrations import migrate
from sourcewise.core.store.vectors import FloatArray, IdArray, VectorIndex
from sourcewise.core.types import DocumentInfo, IndexStatus


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk ready to store: text plus provenance (pages 1-based, span in extracted text)."""

    text: str
    heading: str
    page_start: int | None
    page_end: int | None
    page_label: str | None
    start: int
    end: int
    tokens: int


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int
    file_type: str
    title: str | None
    author: str | None
    page_count: int | None
    text_length: int
    warnings: str | None


F = TypeVar("F", bound=Callable[..., Any])


def _locked(method: F) -> F:
    @functools.wraps(method)
    def wrapper(self: Index, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Index:
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

    @_locked
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

    @_locked
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

    @_locked
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
    @_locked
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

    @_locked
    def add_root(self, collection_id: int, path: Path, watch: bool = False) -> None:
        with self.db.conn:
            self.db.execute(
                "INSERT INTO roots(collection_id, path, watch) VALUES (?, ?, ?) "
                "ON CONFLICT(collection_id, path) DO UPDATE SET watch = max(watch, excluded.watch)",
                [collection_id, str(path), int(watch)],
            )

    @_locked
    def set_watch(self, collection: str, folder: str, watch: bool) -> None:
        """Record whether a root folder is watched for changes."""
        with self.db.conn:
            self.db.execute(
                "UPDATE roots SET watch = ? WHERE path = ? AND collection_id = "
                "(SELECT id FROM collections WHERE name = ?)",
                [int(watch), folder, collection],
            )

    def roots(self, watched_only: bool = False) -> list[tuple[str, str, bool]]:
        sql = "SELECT c.name, r.path, r.watch FROM roots r JOIN collections c ON c.id = r.collection_id"
        if watched_only:
            sql += " WHERE r.watch = 1"
        return [(str(a), str(b), bool(c)) for a, b, c in self.db.execute(sql).fetchall()]

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

    def blob_id(self, sha256: str) -> int | None:
        row = self.db.execute("SELECT id FROM blobs WHERE sha256 = ?", [sha256]).fetchone()
        return None if row is None else int(row[0])

    # -- writes: each call is one transaction --------------------------------------------------
    @_locked
    def commit_new_content(
        self,
        collection_id: int,
        path: Path,
        stat: tuple[int, float],
        blob: BlobInfo,
        chunks: list[ChunkRecord],
        vecs: FloatArray,
    ) -> int:
        """Store a file whose content is new: blob, chunks, vectors and the document row."""
        with self.db.conn:
            cur = self.db.execute(
                "INSERT INTO blobs(sha256, size, file_type, title, author, page_count, "
                "chunk_count, text_length, warnings, embed_model) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [blob.sha256, blob.size, blob.file_type, blob.title, blob.author,
                 blob.page_count, len(chunks), blob.text_length, blob.warnings, self.embed_model],
            )  # fmt: skip
            blob_id = int(cur.lastrowid or 0)
            ids = self._insert_chunks(blob_id, chunks, vecs)
            old = self._upsert_document(
                collection_id, path, stat, blob.sha256, blob_id, blob.file_type
            )
            self._bump_generation()
        if not self.vectors.add(ids, vecs):
            self.rebuild_vectors()  # crossed the exact-search limit (or outgrew IVF training)
        self._release(old)  # a changed file's previous content
        return blob_id

    def _insert_chunks(self, blob_id: int, chunks: list[ChunkRecord], vecs: FloatArray) -> IdArray:
        # Ids are assigned here so the rows go in with executemany; the caller's transaction
        # already holds SQLite's write lock (its first statement was an INSERT).
        row = self.db.execute("SELECT coalesce(max(id), 0) FROM chunks").fetchone()
        first = int(row[0]) + 1
        ids = np.arange(first, first + len(chunks), dtype=np.int64)
        self.db.conn.executemany(
            'INSERT INTO chunks(id, blob_id, ord, text, heading, page_start, page_end, page_label, '
            'start, "end", tokens) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
            [
                (int(ids[i]), blob_id, i, ch.text, ch.heading, ch.page_start, ch.page_end,
                 ch.page_label, ch.start, ch.end, ch.tokens)
                for i, ch in enumerate(chunks)
            ],
        )  # fmt: skip
        self.db.conn.executemany(
            "INSERT INTO vectors(chunk_id, vec) VALUES (?, ?)",
            [(int(cid), vecs[i].astype(np.float32).tobytes()) for i, cid in enumerate(ids)],
        )
        return ids

    @_locked
    def link_existing_content(
        self, collection_id: int, path: Path, stat: tuple[int, float], sha256: str, file_type: str
    ) -> None:
        """Point a document at content already stored (a duplicate, a move, a touched file)."""
        blob_id = self.blob_id(sha256)
        with self.db.conn:
            old = self._upsert_document(collection_id, path, stat, sha256, blob_id, file_type)
        if old != blob_id:
            self._release(old)

    @_locked
    def record_failure(
        self,
        collection_id: int,
        path: Path,
        stat: tuple[int, float],
        file_type: str,
        status: str,
        message: str,
    ) -> None:
        with self.db.conn:
            old = self._upsert_document(
                collection_id, path, stat, None, None, file_type, status, message
            )
        self._release(old)

    def _upsert_document(
        self,
        collection_id: int,
        path: Path,
        stat: tuple[int, float],
        sha256: str | None,
        blob_id: int | None,
        file_type: str,
        status: str = "indexed",
        error: str | None = None,
    ) -> int | None:
        """Insert or update the document row; returns the blob it pointed at before."""
        prev = self.db.execute(
            "SELECT blob_id FROM documents WHERE collection_id = ? AND path = ?",
            [collection_id, str(path)],
        ).fetchone()
        self.db.execute(
            "INSERT INTO documents(collection_id, path, folder, file_type, size, mtime, sha256, "
            "blob_id, status, error, indexed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(collection_id, path) DO UPDATE SET file_type=excluded.file_type, "
            "size=excluded.size, mtime=excluded.mtime, sha256=excluded.sha256, "
            "blob_id=excluded.blob_id, status=excluded.status, error=excluded.error, "
            "indexed_at=excluded.indexed_at",
            [collection_id, str(path), str(path.parent), file_type, stat[0], stat[1], sha256,
             blob_id, status, error, time.time()],
        )  # fmt: skip
        return None if prev is None or prev[0] is None else int(prev[0])

    def _release(self, blob_id: int | None) -> None:
        """Delete one blob's content if no document points at it any more (cheap, indexed)."""
        if blob_id is None:
            return
        used = self.db.execute("SELECT 1 FROM documents WHERE blob_id = ? LIMIT 1", [blob_id])
        if used.fetchone() is None:
            self._delete_blobs([blob_id])

    @_locked
    def remove_documents(self, doc_ids: list[int]) -> int:
        if not doc_ids:
            return 0
        with self.db.conn:
            for start in range(0, len(doc_ids), 900):
                part = doc_ids[start : start + 900]
                marks = ",".join("?" * len(part))
                self.db.execute(f"DELETE FROM documents WHERE id IN ({marks})", part)
        self.collect_garbage()
        return len(doc_ids)

    def remove_paths(self, paths: list[Path], collection: str | None = None) -> int:
        """Forget documents at or beneath each path (in one collection or all)."""
        ids: list[int] = []
        for path in paths:
            target = str(path.expanduser().resolve(strict=False))
            prefix = target.rstrip("/") + "/"
            sql = (
                "SELECT d.id FROM documents d JOIN collections c ON c.id = d.collection_id "
                "WHERE (d.path = ? OR substr(d.path, 1, ?) = ?)"
            )
            args: list[Any] = [target, len(prefix), prefix]
            if collection is not None:
                sql += " AND c.name = ?"
                args.append(collection)
            ids.extend(int(r[0]) for r in self.db.execute(sql, args).fetchall())
            with self.db.conn:
                self.db.execute("DELETE FROM roots WHERE path = ?", [target])
        return self.remove_documents(ids)

    @_locked
    def collect_garbage(self) -> None:
        """Delete content no document points at any more (chunks, FTS rows, vectors)."""
        orphans = [
            int(r[0])
            for r in self.db.execute(
                "SELECT id FROM blobs WHERE id NOT IN "
                "(SELECT blob_id FROM documents WHERE blob_id IS NOT NULL)"
            ).fetchall()
        ]
        if orphans:
            self._delete_blobs(orphans)

    def _delete_blobs(self, blob_ids: list[int]) -> None:
        chunk_ids: list[int] = []
        with self.db.conn:
            for blob_id in blob_ids:
                chunk_ids.extend(
                    int(r[0])
                    for r in self.db.execute("SELECT id FROM chunks WHERE blob_id = ?", [blob_id])
                )
                self.db.execute("DELETE FROM vectors WHERE chunk_id IN "
                                "(SELECT id FROM chunks WHERE blob_id = ?)", [blob_id])  # fmt: skip
                self.db.execute("DELETE FROM chunks WHERE blob_id = ?", [blob_id])
                self.db.execute("DELETE FROM blobs WHERE id = ?", [blob_id])
            self._bump_generation()
        self.vectors.remove(np.asarray(chunk_ids, dtype=np.int64))

    # -- reads for status screens --------------------------------------------------------------
    def status(self) -> IndexStatus:
        return catalog.status(self)

    def documents(self, collection: str | None = None) -> list[DocumentInfo]:
        return catalog.documents(self, collection)
