"""Search filters as SQL over documents, so they apply inside retrieval (not after top-k)."""

from __future__ import annotations

from typing import Any

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
        prefix = filters.folder.rstrip("/") + "/"
        # length() of the parameter itself: a team library maps the parameter to its
        # stored form (store/postgres/shared_roots.py), whose length differs.
        clauses.append("substr(d.path, 1, length(CAST(? AS TEXT))) = ?")
        args.extend([prefix, prefix])
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
