"""The read side of the index: what is indexed where, for status screens, the library panel,
incremental indexing (a file's row, the files under a folder), re-embedding and sampling.

A change of embedding model is applied beside the live vectors (``vectors``): the new model's
go to ``reembed_vectors``, keyed by chunk id, and the meta keys below say for which model and
up to which chunk id; both backends swap them in at once when every chunk has one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sourcewise.core.store.sql import Queryable, beneath
from sourcewise.core.types import (
    DocumentInfo,
    FileFailure,
    FileWarning,
    IndexStatus,
    ReembedProgress,
    RootFolder,
)

# Meta keys of a re-embedding in progress: the new model, its dimension, the chunk id done up to.
REEMBED_MODEL, REEMBED_DIM, REEMBED_UPTO = "reembed_model", "reembed_dim", "reembed_upto"
REEMBED_KEYS = (REEMBED_MODEL, REEMBED_DIM, REEMBED_UPTO)
# What an older version left in meta's embed_model while it overwrote vectors in place: the
# vectors are a mix of two models, readable by neither (keyword search until it completes).
MIXED_MODELS = "reembedding"
# Chunks that have no vector of the new model yet.
_LACKING = "NOT EXISTS (SELECT 1 FROM reembed_vectors r WHERE r.chunk_id = c.id)"


class VectorCounts(Protocol):
    @property
    def ntotal(self) -> int: ...
    @property
    def kind(self) -> str: ...


class Catalog:
    """Reads over the index's connection; ``meta`` reads the index's meta table."""

    def __init__(self, db: Queryable, vectors: VectorCounts, embed_model: str,
                 meta: Callable[[str], str | None]) -> None:  # fmt: skip
        self.db = db
        self.vectors = vectors
        self.embed_model = embed_model
        self.meta = meta

    # -- status screens and the library -------------------------------------------------------
    def status(self) -> IndexStatus:
        collections = {
            str(name): int(count)
            for name, count in self.db.execute(
                # Documents are the searchable files: failed ones are listed apart, not counted.
                "SELECT c.name, count(d.id) FROM collections c LEFT JOIN documents d "
                "ON d.collection_id = c.id AND d.status = 'indexed' GROUP BY c.id ORDER BY c.name"
            ).fetchall()
        }
        failed = [
            FileFailure(path=str(p), status=str(s), message=str(e or ""))
            for p, s, e in self.db.execute(
                "SELECT path, status, error FROM documents "
                "WHERE status NOT IN ('indexed', 'pending') ORDER BY path"
            ).fetchall()
        ]
        # Parse warnings ("pages 3, 7 read by OCR"), stored with the content, "; "-joined.
        warnings = [
            FileWarning(path=str(p), message=str(w))
            for p, w in self.db.execute(
                "SELECT d.path, b.warnings FROM documents d JOIN blobs b ON b.id = d.blob_id "
                "WHERE d.status = 'indexed' AND b.warnings IS NOT NULL ORDER BY d.path"
            ).fetchall()
        ]
        return IndexStatus(
            collections=collections,
            documents=self._count("SELECT count(*) FROM documents WHERE status = 'indexed'"),
            chunks=self.chunk_count(),
            vectors=self.vectors.ntotal,
            embed_model=self.meta("embed_model") or self.embed_model,
            ann=self.vectors.kind,
            failed=failed,
            pending=self._count("SELECT count(*) FROM documents WHERE status = 'pending'"),
            warnings=warnings,
            reembed=self.reembed_progress(),
        )

    _DOCUMENTS = (
        "SELECT d.path, c.name, d.status, d.file_type, d.size, b.page_count, "
        "coalesce(b.chunk_count, 0), d.error, b.title, d.id FROM documents d "
        "JOIN collections c ON c.id = d.collection_id LEFT JOIN blobs b ON b.id = d.blob_id"
    )

    def documents(self, collection: str | None = None) -> list[DocumentInfo]:
        sql = self._DOCUMENTS
        args: list[Any] = []
        if collection is not None:
            sql += " WHERE c.name = ?"
            args.append(collection)
        sql += " ORDER BY c.name, d.path"
        return [_info(r) for r in self.db.execute(sql, args).fetchall()]

    def document_info(self, document_id: int) -> DocumentInfo | None:
        """One document by its ``DocumentInfo.document_id``."""
        row = self.db.execute(self._DOCUMENTS + " WHERE d.id = ?", [document_id]).fetchone()
        return None if row is None else _info(row)

    def roots(self, watched_only: bool = False) -> list[RootFolder]:
        sql = "SELECT c.name, r.path, r.watch FROM roots r JOIN collections c ON c.id = r.collection_id"
        if watched_only:
            sql += " WHERE r.watch = 1"
        return [RootFolder(str(a), str(b), bool(c)) for a, b, c in self.db.execute(sql).fetchall()]

    def is_empty(self) -> bool:
        return self.db.execute("SELECT 1 FROM chunks LIMIT 1").fetchone() is None

    # -- incremental indexing ------------------------------------------------------------------
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
        under, under_args = beneath("path", folder)
        cur = self.db.execute(
            f"SELECT * FROM documents WHERE collection_id = ? AND (path = ? OR {under})",
            [collection_id, folder, *under_args],
        )
        names = [d[0] for d in cur.description]
        rows = (dict(zip(names, row, strict=True)) for row in cur.fetchall())
        return {str(r["path"]): r for r in rows}

    def content_kept_elsewhere(self, doc_ids: list[int]) -> int:
        """How many of these documents have content that a document outside them also has
        (removed files whose content lives on: moved, when the run found them again)."""
        marks = ",".join("?" * len(doc_ids))
        sql = (f"SELECT count(*) FROM documents d WHERE d.id IN ({marks}) AND d.sha256 IN "
               f"(SELECT sha256 FROM documents WHERE id NOT IN ({marks}))")  # fmt: skip
        row = self.db.execute(sql, doc_ids + doc_ids).fetchone()
        return int(row[0]) if row else 0

    # -- chunks: re-embedding and sampling -----------------------------------------------------
    def chunk_count(self) -> int:
        return self._count("SELECT count(*) FROM chunks")

    def chunks_after(self, last_id: int, limit: int) -> list[tuple[int, str, str, int]]:
        """(id, text, heading, tokens) of up to ``limit`` chunks with ids above ``last_id``."""
        rows = self.db.execute(
            "SELECT id, text, heading, tokens FROM chunks WHERE id > ? ORDER BY id LIMIT ?",
            [last_id, limit],
        ).fetchall()
        return [(int(i), str(t), str(h), int(n or 0)) for i, t, h, n in rows]

    def reembed_progress(self) -> ReembedProgress | None:
        """How far the change to this store's embedder has got; None when its vectors are live."""
        live = self.meta("embed_model")
        if live is None or live == self.embed_model:
            return None
        done = 0
        if self.meta(REEMBED_MODEL) == self.embed_model:  # else it restarts on the next run
            done = self._count("SELECT count(*) FROM reembed_vectors")
        return ReembedProgress(self.embed_model, done, self.chunk_count(), live)

    def chunks_to_reembed(self, last_id: int, limit: int) -> list[tuple[int, str, str, int]]:
        """As :meth:`chunks_after`, skipping chunks that already have a new-model vector (those
        indexed during the change)."""
        rows = self.db.execute(
            "SELECT c.id, c.text, c.heading, c.tokens FROM chunks c "
            f"WHERE c.id > ? AND {_LACKING} ORDER BY c.id LIMIT ?",
            [last_id, limit],
        ).fetchall()
        return [(int(i), str(t), str(h), int(n or 0)) for i, t, h, n in rows]

    def reembed_complete(self) -> bool:
        """Every chunk has its vector of the new model (run inside the swap's transaction)."""
        return (
            self.db.execute(f"SELECT 1 FROM chunks c WHERE {_LACKING} LIMIT 1").fetchone() is None
        )

    def _count(self, sql: str) -> int:
        row = self.db.execute(sql).fetchone()
        return int(row[0]) if row else 0


def _info(r: tuple[Any, ...]) -> DocumentInfo:
    return DocumentInfo(
        path=str(r[0]),
        collection=str(r[1]),
        status=str(r[2]),
        file_type=str(r[3]),
        size=int(r[4]),
        pages=None if r[5] is None else int(r[5]),
        chunks=int(r[6]),
        error=None if r[7] is None else str(r[7]),
        title=None if r[8] is None else str(r[8]),
        document_id=int(r[9]),
    )
