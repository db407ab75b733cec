"""Search filters as SQL over documents, so they apply inside retrieval (not after top-k)."""

from __future__ import annotations

from typing import Any

from sourcewise.core.store.sql import beneath
from sourcewise.core.types import SearchFilters


def document_where(filters: SearchFilters) -> tuple[str, list[Any]]:
    """A WHERE clause over ``documents d JOIN collections c``; the path glob is not in it (it
    is applied in Python: ``sourcewise.core.retrieve.filters.glob_matches``)."""
    clauses = ["d.status = 'indexed'"]
    args: list[Any] = []
    if filters.collections:
        clauses.append(f"c.name IN ({','.join('?' * len(filters.collections))})")
        args.extend(filters.collections)
    if filters.folder:
        clause, folder_args = beneath("d.path", filters.folder)
        clauses.append(clause)
        args.extend(folder_args)
    if filters.file_types:
        types = [t.lower().lstrip(".") for t in filters.file_types]
        clauses.append(f"d.file_type IN ({','.join('?' * len(types))})")
        args.extend(types)
    if filters.documents:
        clauses.append(f"d.path IN ({','.join('?' * len(filters.documents))})")
        args.extend(filters.documents)
    if filters.modified_since is not None:
        clauses.append("d.mtime >= ?")
        args.append(filters.modified_since)
    _meta_clauses(filters, clauses, args)
    return " AND ".join(clauses), args


# One metadata condition on the document (portable SQL: SQLite and PostgreSQL alike).
_HAS = "EXISTS (SELECT 1 FROM document_meta m WHERE m.document_id = d.id AND m.key = ? AND {})"


def _meta_clauses(filters: SearchFilters, clauses: list[str], args: list[Any]) -> None:
    """Conditions on source metadata (a message's sender and date, a note's tags, a paper's
    collection), each an EXISTS over the document's metadata rows."""
    if filters.sender:
        clauses.append(_HAS.format("lower(m.value) LIKE ?"))
        args += ["sender", f"%{_like(filters.sender.lower())}%"]
    if filters.date_from:
        clauses.append(_HAS.format("substr(m.value, 1, 10) >= ?"))
        args += ["date", filters.date_from[:10]]
    if filters.date_to:
        clauses.append(_HAS.format("substr(m.value, 1, 10) <= ?"))
        args += ["date", filters.date_to[:10]]
    for tag in filters.tags:
        name = tag.strip().lstrip("#").lower()
        clauses.append(_HAS.format("(lower(m.value) = ? OR lower(m.value) LIKE ?)"))
        args += ["tag", name, f"{_like(name)}/%"]
    for key, value in filters.fields:
        clauses.append(_HAS.format("lower(m.value) = ?"))
        args += [key.strip().lower(), value.strip().lower()]


def _like(text: str) -> str:
    """``text`` matched literally inside a LIKE pattern (SQLite and PostgreSQL both treat
    ``%`` and ``_`` as wildcards; backslash escapes are PostgreSQL's default only, so drop
    them rather than escape)."""
    return text.replace("%", "").replace("_", "")
