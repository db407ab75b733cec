"""The PostgreSQL library's write side, as ``store/content.py`` is SQLite's: each public write
is one transaction, a document points at a blob that exists, and a blob no document points at
is deleted (its chunks and vectors go with it, by ON DELETE CASCADE).

Several indexers may write at once: content is keyed by its sha256 and inserted with
``ON CONFLICT DO NOTHING``, so a file's content is stored once however many indexers see it;
the one that loses the race links its document to the winner's blob.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from sourcewise.core.store import source_meta
from sourcewise.core.store.content import locked
from sourcewise.core.store.document_card import ContentCard, document_card
from sourcewise.core.store.grams import chunk_grams
from sourcewise.core.store.postgres.search import vector_text
from sourcewise.core.store.postgres.shared_roots import SharedRoots
from sourcewise.core.store.rows import BlobInfo, ChunkRecord, FloatArray


class PgContent:
    def __init__(
        self, conn: Any, lock: threading.RLock, embed_model: str, roots: SharedRoots | None = None
    ) -> None:
        self.conn = conn
        self.lock = lock
        self.embed_model = embed_model
        self.roots = roots or SharedRoots()  # every path written is in the library's form
        self.chunks_written = 0  # since the planner's statistics were last refreshed
        # A change of embedding model under way: new content's vectors are the new model's and
        # go beside the live ones (``reembed_vectors``, store/catalog.py).
        self.reembedding = False

    # -- collections and their folders ---------------------------------------------------------
    @locked
    def collection_id(self, name: str, create: bool = True) -> int | None:
        row = self.conn.execute("SELECT id FROM collections WHERE name = %s", [name]).fetchone()
        if row is not None or not create:
            return None if row is None else int(row[0])
        self.conn.execute(
            "INSERT INTO collections(name, created) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [name, time.time()],
        )
        return self.collection_id(name, create=False)

    @locked
    def add_root(self, collection_id: int, path: Path, watch: bool = False) -> None:
        self.conn.execute(
            "INSERT INTO roots(collection_id, path, watch) VALUES (%s, %s, %s) ON CONFLICT "
            "(collection_id, path) DO UPDATE SET watch = greatest(roots.watch, excluded.watch)",
            [collection_id, self.roots.stored(str(path)), int(watch)],
        )

    @locked
    def set_watch(self, collection: str, folder: str, watch: bool) -> None:
        self.conn.execute(
            "UPDATE roots SET watch = %s WHERE path = %s AND collection_id = "
            "(SELECT id FROM collections WHERE name = %s)",
            [int(watch), self.roots.stored(folder), collection],
        )

    # -- content -------------------------------------------------------------------------------
    def blob_id(self, sha256: str) -> int | None:
        row = self.conn.execute("SELECT id FROM blobs WHERE sha256 = %s", [sha256]).fetchone()
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
        with self.conn.transaction():
            row = self.conn.execute(
                "INSERT INTO blobs(sha256, size, file_type, title, author, page_count, "
                "chunk_count, text_length, warnings, embed_model, card) "
                "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
                "ON CONFLICT (sha256) DO NOTHING RETURNING id",
                [blob.sha256, blob.size, blob.file_type, blob.title, blob.author,
                 blob.page_count, len(chunks), blob.text_length, blob.warnings, self.embed_model,
                 blob.card],
            ).fetchone()  # fmt: skip
            if row is None:  # another indexer stored this content first: use theirs
                blob_id = self.blob_id(blob.sha256) or 0
            else:
                blob_id = int(row[0])
                self._insert_chunks(blob_id, chunks, vecs)
            old = self._upsert_document(
                collection_id, path, stat, blob.sha256, blob_id, blob.file_type
            )
            if old != blob_id:
                self._release(old)
        return blob_id

    def _insert_chunks(self, blob_id: int, chunks: list[ChunkRecord], vecs: FloatArray) -> None:
        self.chunks_written += len(chunks)
        with self.conn.cursor() as cur:
            cur.executemany(
                'INSERT INTO chunks(blob_id, ord, text, heading, page_start, page_end, page_label, '
                'start, "end", tokens, page_marks, kind, grams) VALUES '
                "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) RETURNING id",
                [
                    (blob_id, i, ch.text, ch.heading, ch.page_start, ch.page_end, ch.page_label,
                     ch.start, ch.end, ch.tokens, ch.page_marks, ch.kind,
                     chunk_grams(ch.text, ch.heading))
                    for i, ch in enumerate(chunks)
                ],
                returning=True,
            )  # fmt: skip
            ids: list[int] = []
            while True:
                ids.append(int(cur.fetchone()[0]))
                if not cur.nextset():
                    break
            table = "reembed_vectors" if self.reembedding else "vectors"
            cur.executemany(
                f"INSERT INTO {table}(chunk_id, vec) VALUES (%s, %s::vector)",
                [(cid, vector_text(vecs[i])) for i, cid in enumerate(ids)],
            )

    @locked
    def link_existing_content(
        self, collection_id: int, path: Path, stat: tuple[int, float], sha256: str, file_type: str
    ) -> None:
        """Point a document at content already stored (a duplicate, a move, a touched file)."""
        with self.conn.transaction():
            blob_id = self.blob_id(sha256)
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
        with self.conn.transaction():
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
        stored = self.roots.stored(str(path))
        prev = self.conn.execute(
            "SELECT blob_id FROM documents WHERE collection_id = %s AND path = %s FOR UPDATE",
            [collection_id, stored],
        ).fetchone()
        doc = self.conn.execute(
            "INSERT INTO documents(collection_id, path, folder, file_type, size, mtime, sha256, "
            "blob_id, status, error, indexed_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
            "ON CONFLICT (collection_id, path) DO UPDATE SET file_type=excluded.file_type, "
            "size=excluded.size, mtime=excluded.mtime, sha256=excluded.sha256, "
            "blob_id=excluded.blob_id, status=excluded.status, error=excluded.error, "
            "indexed_at=excluded.indexed_at RETURNING id",
            [collection_id, stored, self.roots.stored(str(path.parent)), file_type, stat[0], stat[1], sha256,
             blob_id, status, error, time.time()],
        ).fetchone()  # fmt: skip
        self._write_card(int(doc[0]), path, blob_id if status == "indexed" else None)
        return None if prev is None or prev[0] is None else int(prev[0])

    def _write_card(self, doc_id: int, path: Path, blob_id: int | None) -> None:
        """The document's card: its file name plus its content's card (as store/content.py)."""
        if blob_id is None:
            self.conn.execute("DELETE FROM cards WHERE document_id = %s", [doc_id])
            self._write_meta(doc_id, "content", {})
            return
        row = self.conn.execute("SELECT card, title FROM blobs WHERE id = %s", [blob_id]).fetchone()
        content = ContentCard.from_json(row[0] if row else None)
        if not content.title and row and row[1]:
            content = replace(content, title=str(row[1]))
        content_meta = source_meta.decode(content.meta)
        self._write_meta(doc_id, "content", content_meta)
        meta = source_meta.merge(content_meta, self._meta(doc_id, "source"))
        card = document_card(path, content, meta)
        self.conn.execute(
            "INSERT INTO cards(document_id, name, title, body, periods) VALUES (%s,%s,%s,%s,%s) "
            "ON CONFLICT (document_id) DO UPDATE SET name=excluded.name, title=excluded.title, "
            "body=excluded.body, periods=excluded.periods",
            [doc_id, card.name, card.title, card.body, card.periods],
        )

    # -- source metadata and state (as store/content.py) ----------------------------------------
    @locked
    def set_source_meta(self, collection_id: int, path: Path, meta: source_meta.Meta) -> bool:
        with self.conn.transaction():
            row = self.conn.execute(
                "SELECT id, blob_id, status FROM documents WHERE collection_id = %s AND path = %s",
                [collection_id, self.roots.stored(str(path))],
            ).fetchone()
            if row is None:
                return False
            self._write_meta(int(row[0]), "source", meta)
            self._write_card(int(row[0]), path, row[1] if row[2] == "indexed" else None)
        return True

    def _meta(self, doc_id: int, origin: str) -> source_meta.Meta:
        out: source_meta.Meta = {}
        for key, value in self.conn.execute(
            "SELECT key, value FROM document_meta WHERE document_id = %s AND origin = %s",
            [doc_id, origin],
        ).fetchall():
            out.setdefault(str(key), []).append(str(value))
        return out

    def _write_meta(self, doc_id: int, origin: str, meta: source_meta.Meta) -> None:
        self.conn.execute(
            "DELETE FROM document_meta WHERE document_id = %s AND origin = %s", [doc_id, origin]
        )
        pairs = source_meta.rows(meta)
        if pairs:
            with self.conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO document_meta(document_id, origin, key, value) "
                    "VALUES (%s,%s,%s,%s) ON CONFLICT DO NOTHING",
                    [(doc_id, origin, k, v) for k, v in pairs],
                )

    def source_state(self, collection_id: int, path: Path) -> str | None:
        row = self.conn.execute(
            "SELECT state FROM source_state WHERE collection_id = %s AND path = %s",
            [collection_id, self.roots.stored(str(path))],
        ).fetchone()
        return None if row is None else str(row[0])

    @locked
    def set_source_state(self, collection_id: int, path: Path, state: str | None) -> None:
        stored = self.roots.stored(str(path))
        with self.conn.transaction():
            self.conn.execute(
                "DELETE FROM source_state WHERE collection_id = %s AND path = %s",
                [collection_id, stored],
            )
            if state is not None:
                self.conn.execute(
                    "INSERT INTO source_state(collection_id, path, state) VALUES (%s,%s,%s)",
                    [collection_id, stored, state],
                )

    def _release(self, blob_id: int | None) -> None:
        """Delete one blob's content if no document points at it any more."""
        if blob_id is not None:
            self.conn.execute(
                "DELETE FROM blobs b WHERE b.id = %s AND NOT EXISTS "
                "(SELECT 1 FROM documents d WHERE d.blob_id = b.id)",
                [blob_id],
            )

    @locked
    def remove_documents(self, doc_ids: list[int]) -> int:
        if not doc_ids:
            return 0
        with self.conn.transaction():
            blobs = self.conn.execute(
                "DELETE FROM documents WHERE id = ANY(%s) RETURNING blob_id", [doc_ids]
            ).fetchall()
            for (blob_id,) in blobs:
                self._release(None if blob_id is None else int(blob_id))
        return len(doc_ids)

    @locked
    def remove_paths(self, paths: list[Path], collection: str | None = None) -> int:
        """Forget documents at or beneath each path (in one collection or all)."""
        ids: list[int] = []
        for path in paths:
            target = self.roots.stored(str(path.expanduser().resolve(strict=False)))
            sql = (
                "SELECT d.id FROM documents d JOIN collections c ON c.id = d.collection_id "
                "WHERE (d.path = %s OR starts_with(d.path, %s))"
            )
            args: list[Any] = [target, target.rstrip("/") + "/"]
            if collection is not None:
                sql += " AND c.name = %s"
                args.append(collection)
            ids.extend(int(r[0]) for r in self.conn.execute(sql, args).fetchall())
            self.conn.execute("DELETE FROM roots WHERE path = %s", [target])
        return self.remove_documents(ids)
