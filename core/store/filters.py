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
    return " AND ".join(clauses), args
