"""Search filters turned into SQL over documents, so they apply inside retrieval."""

from __future__ import annotations

import fnmatch
from typing import Any

from sourcewise.core.types import SearchFilters


def active(filters: SearchFilters) -> bool:
    return bool(
        filters.collections or filters.folder or filters.path_glob or filters.file_types
        or filters.modified_since is not None or filters.documents
    )  # fmt: skip


def document_where(filters: SearchFilters) -> tuple[str, list[Any]]:
    """A WHERE clause over ``documents d JOIN collections c``; the glob is applied in Python."""
    clauses = ["d.status = 'indexed'"]
    args: list[Any] = []
    if filters.collections:
        clauses.append(f"c.name IN ({','.join('?' * len(filters.collections))})")
        args.extend(filters.collections)
    if filters.folder:
        prefix = filters.folder.rstrip("/") + "/"
        clauses.append("substr(d.path, 1, ?) = ?")
        args.extend([len(prefix), prefix])
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


def glob_matches(filters: SearchFilters, path: str) -> bool:
    return filters.path_glob is None or fnmatch.fnmatch(path, filters.path_glob)
