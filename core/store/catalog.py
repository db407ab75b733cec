"""Read-side queries over the index for status screens and the library panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sourcewise.core.types import DocumentInfo, FileFailure, FileWarning, IndexStatus, Passage

if TYPE_CHECKING:
    from sourcewise.core.store.index import Index


def status(index: Index) -> IndexStatus:
    db = index.db
    collections = {
        str(name): int(count)
        for name, count in db.execute(
            # Documents are the searchable files: failed ones are listed apart, not counted.
            "SELECT c.name, count(d.id) FROM collections c LEFT JOIN documents d "
            "ON d.collection_id = c.id AND d.status = 'indexed' GROUP BY c.id ORDER BY c.name"
        ).fetchall()
    }
    failed = [
        FileFailure(path=str(p), status=str(s), message=str(e or ""))
        for p, s, e in db.execute(
            "SELECT path, status, error FROM documents "
            "WHERE status NOT IN ('indexed', 'pending') ORDER BY path"
        ).fetchall()
    ]
    # Parse warnings ("pages 3, 7 read by OCR"), stored with the content, "; "-joined.
    warnings = [
        FileWarning(path=str(p), message=str(w))
        for p, w in db.execute(
            "SELECT d.path, b.warnings FROM documents d JOIN blobs b ON b.id = d.blob_id "
            "WHERE d.status = 'indexed' AND b.warnings IS NOT NULL ORDER BY d.path"
        ).fetchall()
    ]
    return IndexStatus(
        collections=collections,
        documents=_count(index, "SELECT count(*) FROM documents WHERE status = 'indexed'"),
        chunks=_count(index, "SELECT count(*) FROM chunks"),
        vectors=index.vectors.ntotal,
        embed_model=index.meta("embed_model") or index.embed_model,
        ann=index.vectors.kind,
        failed=failed,
        pending=_count(index, "SELECT count(*) FROM documents WHERE status = 'pending'"),
        warnings=warnings,
    )


def documents(index: Index, collection: str | None = None) -> list[DocumentInfo]:
    sql = (
        "SELECT d.path, c.name, d.status, d.file_type, d.size, b.page_count, "
        "coalesce(b.chunk_count, 0), d.error, b.title FROM documents d "
        "JOIN collections c ON c.id = d.collection_id LEFT JOIN blobs b ON b.id = d.blob_id"
    )
    args: list[Any] = []
    if collection is not None:
        sql += " WHERE c.name = ?"
        args.append(collection)
    sql += " ORDER BY c.name, d.path"
    return [
        DocumentInfo(
            path=str(r[0]),
            collection=str(r[1]),
            status=str(r[2]),
            file_type=str(r[3]),
            size=int(r[4]),
            pages=None if r[5] is None else int(r[5]),
            chunks=int(r[6]),
            error=None if r[7] is None else str(r[7]),
            title=None if r[8] is None else str(r[8]),
        )
        for r in index.db.execute(sql, args).fetchall()
    ]


def passages(index: Index, min_tokens: int = 0) -> list[Passage]:
    """Every chunk of an indexed document with at least ``min_tokens`` tokens, by id (one path
    per content: identical files share chunks, the first path alphabetically stands for them)."""
    rows = index.db.execute(
        "SELECT c.id, min(d.path), c.page_start, c.heading, c.text FROM chunks c "
        "JOIN documents d ON d.blob_id = c.blob_id AND d.status = 'indexed' "
        "WHERE c.tokens >= ? GROUP BY c.id ORDER BY c.id",
        [min_tokens],
    ).fetchall()
    return [Passage(int(r[0]), str(r[1]), None if r[2] is None else int(r[2]), str(r[3]),
                    str(r[4])) for r in rows]  # fmt: skip


def _count(index: Index, sql: str) -> int:
    row = index.db.execute(sql).fetchone()
    return int(row[0]) if row else 0
