"""Search filters in retrieval: whether any is set, and the path glob (applied in Python; the
rest become SQL in ``sourcewise.core.store.filters``)."""

from __future__ import annotations

import fnmatch

from sourcewise.core.types import SearchFilters


def active(filters: SearchFilters) -> bool:
    return bool(
        filters.collections or filters.folder or filters.path_glob or filters.file_types
        or filters.modified_since is not None or filters.documents
    )  # fmt: skip


def glob_matches(filters: SearchFilters, path: str) -> bool:
    return filters.path_glob is None or fnmatch.fnmatch(path, filters.path_glob)
