"""Reading one document whole: its row by path, and all its chunks in document order.

Whole-document answers (summaries, "list every deadline") read a document front to back
instead of taking the top-k chunks; these are the queries they need.
"""

from __future__ import annotations

from collections.abc import Sequence

from sourcewise.core.store.rows import OrderedChunk, StoredDocument
from sourcewise.core.store.sql import Queryable, beneath


def find_documents(conn: Queryable, paths: Sequence[str]) -> list[StoredDocument]:
    """The indexed documents at these absolute paths (any collection), in the paths' order."""
    if not paths:
        return []
    marks = ",".join("?" * len(paths))
    rows = conn.execute(
        "SELECT d.id, d.blob_id, d.path, coalesce(k.title, ''), b.page_count, b.sha256 "
        "FROM documents d JOIN blobs b ON b.id = d.blob_id "
        "LEFT JOIN cards k ON k.document_id = d.id "
        f"WHERE d.path IN ({marks}) AND d.status = 'indexed' ORDER BY d.id",
        list(paths),
    ).fetchall()
    found: dict[str, StoredDocument] = {}
    for r in rows:  # one per path: identical copies in two collections read the same
        found.setdefault(str(r[2]), StoredDocument(int(r[0]), int(r[1]), str(r[2]), str(r[3]),
                                                   r[4], str(r[5])))  # fmt: skip
    return [found[p] for p in paths if p in found]


def documents_under(conn: Queryable, folder: str, limit: int) -> list[str]:
    """Paths of the indexed documents beneath ``folder`` (at most ``limit``, by path)."""
    under, under_args = beneath("path", folder)
    rows = conn.execute(
        f"SELECT DISTINCT path FROM documents WHERE status = 'indexed' AND {under} "
        "ORDER BY path LIMIT ?",
        [*under_args, limit],
    ).fetchall()
    return [str(r[0]) for r in rows]


def chunks_in_order(conn: Queryable, blob_id: int) -> list[OrderedChunk]:
    rows = conn.execute(
        "SELECT id, text, heading, page_start, page_end, start, \"end\", coalesce(page_marks, ''), "
        "kind FROM chunks WHERE blob_id = ? ORDER BY ord",
        [blob_id],
    ).fetchall()
    return [
        OrderedChunk(
            int(r[0]), str(r[1]), str(r[2]), r[3], r[4], int(r[5]), int(r[6]), str(r[7]), str(r[8])
        )
        for r in rows
    ]


def paths_of(conn: Queryable, doc_ids: Sequence[int]) -> dict[int, str]:
    if not doc_ids:
        return {}
    marks = ",".join("?" * len(doc_ids))
    rows = conn.execute(
        f"SELECT id, path FROM documents WHERE id IN ({marks}) AND status = 'indexed'",
        list(doc_ids),
    ).fetchall()
    return {int(r[0]): str(r[1]) for r in rows}
