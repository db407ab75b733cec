"""The index's write side: stored content (blobs, chunks, vectors) and the documents using it.

Content is stored once per distinct file content (a blob) and shared by every document with that
content, so each write here keeps two things true inside its transaction: a document points at a
blob that exists, and a blob no document points at is deleted (with its chunks and vectors).
Each public write is one SQLite transaction, which is what lets an interrupted indexing run leave
a consistent index. Collections and their root folders are written here too.

``SqliteStore`` holds one of these as ``index.content``, sharing its connection, lock and FAISS index;
it lives apart from the lifecycle, meta and vector-cache code in ``index.py`` because nothing
else writes content.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import sqlite_utils

from sourcewise.core.store import source_meta
from sourcewise.core.store.document_card import ContentCard, document_card
from sourcewise.core.store.grams import chunk_grams
from sourcewise.core.store.rows import BlobInfo, ChunkRecord, FloatArray, IdArray
from sourcewise.core.store.sql import beneath
from sourcewise.core.store.vectors import VectorIndex

F = TypeVar("F", bound=Callable[..., Any])


def locked(method: F) -> F:
    """Run the method under its object's ``lock``: the index's RLock, which every part of the
    index shares (hence public here)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ContentWrites:
    """Collection, root, blob, chunk and document writes; each public write is one transaction.

    ``bump_generation`` (called inside a write's transaction, so it commits with the change)
    marks the FAISS file stale; ``rebuild_vectors`` rebuilds the FAISS index from the table.
    While ``reembedding`` (a change of embedding model under way), new content's vectors are
    the new model's: they go beside the live ones, into ``reembed_vectors``, and not to FAISS.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        lock: threading.RLock,
        vectors: VectorIndex,
        embed_model: str,
        *,
        bump_generation: Callable[[], None],
        rebuild_vectors: Callable[[], None],
    ) -> None:
        self.db = db
        self.lock = lock
        self.vectors = vectors
        self.embed_model = embed_model
        self._bump_generation = bump_generation
        self.rebuild_vectors = rebuild_vectors
        self.reembedding = False

    # -- collections and their folders ---------------------------------------------------------
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

    # -- content -------------------------------------------------------------------------------

    def blob_id(self, sha256: str) -> int | None:
        row = self.db.execute("SELECT id FROM blobs WHERE sha256 = ?", [sha256]).fetchone()
        return None if row is None else int(row[0])

    @locked
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
                "chunk_count, text_length, warnings, embed_model, card) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [blob.sha256, blob.size, blob.file_type, blob.title, blob.author,
                 blob.page_count, len(chunks), blob.text_length, blob.warnings, self.embed_model,
                 blob.card],
            )  # fmt: skip
            blob_id = int(cur.lastrowid or 0)
            ids = self._insert_chunks(blob_id, chunks, vecs)
            old = self._upsert_document(
                collection_id, path, stat, blob.sha256, blob_id, blob.file_type
            )
            self._bump_generation()
        if not self.reembedding and not self.vectors.add(ids, vecs):
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
            'start, "end", tokens, page_marks, kind, grams) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
            [
                (int(ids[i]), blob_id, i, ch.text, ch.heading, ch.page_start, ch.page_end,
                 ch.page_label, ch.start, ch.end, ch.tokens, ch.page_marks, ch.kind,
                 chunk_grams(ch.text, ch.heading))
                for i, ch in enumerate(chunks)
            ],
        )  # fmt: skip
        table = "reembed_vectors" if self.reembedding else "vectors"
        self.db.conn.executemany(
            f"INSERT INTO {table}(chunk_id, vec) VALUES (?, ?)",
            [(int(cid), vecs[i].astype(np.float32).tobytes()) for i, cid in enumerate(ids)],
        )
        return ids

    @locked
    def link_existing_content(
        self, collection_id: int, path: Path, stat: tuple[int, float], sha256: str, file_type: str
    ) -> None:
        """Point a document at content already stored (a duplicate, a move, a touched file)."""
        blob_id = self.blob_id(sha256)
        with self.db.conn:
            old = self._upsert_document(collection_id, path, stat, sha256, blob_id, file_type)
        if old != blob_id:
            self._release(old)

    @locked
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
        self._write_card(collection_id, path, blob_id if status == "indexed" else None)
        return None if prev is None or prev[0] is None else int(prev[0])

    def _write_card(self, collection_id: int, path: Path, blob_id: int | None) -> None:
        """The document's card: its own file name plus its content's card (shared by
        identical files); a document without indexed content has none."""
        doc = self.db.execute(
            "SELECT id FROM documents WHERE collection_id = ? AND path = ?",
            [collection_id, str(path)],
        ).fetchone()
        if doc is None:
            return
        if blob_id is None:
            self.db.execute("DELETE FROM cards WHERE document_id = ?", [doc[0]])
            self._write_meta(int(doc[0]), "content", {})
            return
        row = self.db.execute("SELECT card, title FROM blobs WHERE id = ?", [blob_id]).fetchone()
        content = ContentCard.from_json(row[0] if row else None)
        if not content.title and row and row[1]:
            content = replace(content, title=str(row[1]))
        content_meta = source_meta.decode(content.meta)
        self._write_meta(int(doc[0]), "content", content_meta)
        meta = source_meta.merge(content_meta, self._meta(int(doc[0]), "source"))
        card = document_card(path, content, meta)
        self.db.execute(
            "INSERT INTO cards(document_id, name, title, body, periods) VALUES (?,?,?,?,?) "
            "ON CONFLICT(document_id) DO UPDATE SET name=excluded.name, title=excluded.title, "
            "body=excluded.body, periods=excluded.periods",
            [doc[0], card.name, card.title, card.body, card.periods],
        )

    # -- source metadata and state --------------------------------------------------------------
    @locked
    def set_source_meta(self, collection_id: int, path: Path, meta: source_meta.Meta) -> bool:
        """Metadata from outside the file (Zotero's database, the message an attachment came
        with) for the document at ``path``, and its card again; False when no such document."""
        with self.db.conn:
            row = self.db.execute(
                "SELECT id, blob_id, status FROM documents WHERE collection_id = ? AND path = ?",
                [collection_id, str(path)],
            ).fetchone()
            if row is None:
                return False
            self._write_meta(int(row[0]), "source", meta)
            self._write_card(collection_id, path, row[1] if row[2] == "indexed" else None)
        return True

    def _meta(self, doc_id: int, origin: str) -> source_meta.Meta:
        out: source_meta.Meta = {}
        for key, value in self.db.execute(
            "SELECT key, value FROM document_meta WHERE document_id = ? AND origin = ?",
            [doc_id, origin],
        ).fetchall():
            out.setdefault(str(key), []).append(str(value))
        return out

    def _write_meta(self, doc_id: int, origin: str, meta: source_meta.Meta) -> None:
        self.db.execute(
            "DELETE FROM document_meta WHERE document_id = ? AND origin = ?", [doc_id, origin]
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO document_meta(document_id, origin, key, value) VALUES (?,?,?,?)",
            [(doc_id, origin, k, v) for k, v in source_meta.rows(meta)],
        )

    def source_state(self, collection_id: int, path: Path) -> str | None:
        row = self.db.execute(
            "SELECT state FROM source_state WHERE collection_id = ? AND path = ?",
            [collection_id, str(path)],
        ).fetchone()
        return None if row is None else str(row[0])

    @locked
    def set_source_state(self, collection_id: int, path: Path, state: str | None) -> None:
        """What incremental indexing remembers of a source read in parts; None forgets it."""
        with self.db.conn:
            self.db.execute(
                "DELETE FROM source_state WHERE collection_id = ? AND path = ?",
                [collection_id, str(path)],
            )
            if state is not None:
                self.db.execute(
                    "INSERT INTO source_state(collection_id, path, state) VALUES (?,?,?)",
                    [collection_id, str(path), state],
                )

    def _release(self, blob_id: int | None) -> None:
        """Delete one blob's content if no document points at it any more (cheap, indexed)."""
        if blob_id is None:
            return
        used = self.db.execute("SELECT 1 FROM documents WHERE blob_id = ? LIMIT 1", [blob_id])
        if used.fetchone() is None:
            self._delete_blobs([blob_id])

    @locked
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
            under, under_args = beneath("d.path", target)
            sql = (
                "SELECT d.id FROM documents d JOIN collections c ON c.id = d.collection_id "
                f"WHERE (d.path = ? OR {under})"
            )
            args: list[Any] = [target, *under_args]
            if collection is not None:
                sql += " AND c.name = ?"
                args.append(collection)
            ids.extend(int(r[0]) for r in self.db.execute(sql, args).fetchall())
            with self.db.conn:
                self.db.execute("DELETE FROM roots WHERE path = ?", [target])
        return self.remove_documents(ids)

    @locked
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
