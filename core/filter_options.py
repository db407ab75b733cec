"""Search filters from a client's options (the CLI's flags, the MCP server's tool arguments), one
parsing of dates, folders and source metadata for both."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sourcewise.core.errors import SourcewiseError
from sourcewise.core.types import SearchFilters


def build_filters(
    collections: tuple[str, ...],
    folder: Path | None,
    path_glob: str | None,
    file_types: tuple[str, ...],
    since: str | None,
    documents: tuple[Path, ...] = (),
    **source: Any,
) -> SearchFilters:
    """The filters from the options; ``source`` holds the source-metadata options (sender,
    dates, tags, Zotero collections, fields), as click passes them."""
    since_ts = None
    if since:
        try:
            since_ts = datetime.fromisoformat(since).timestamp()
        except ValueError as err:
            raise SourcewiseError(f"--since expects a date like 2024-01-31, got {since!r}") from err
    return SearchFilters(
        collections=collections,
        folder=str(folder.expanduser().resolve()) if folder else None,
        path_glob=path_glob,
        file_types=tuple(t.lower().lstrip(".") for t in file_types),
        modified_since=since_ts,
        documents=tuple(str(d.expanduser().resolve()) for d in documents),
        sender=source.get("sender") or None,
        date_from=_iso_date(source.get("date_from"), "--after"),
        date_to=_iso_date(source.get("date_to"), "--before"),
        tags=tuple(source.get("tags") or ()),
        fields=_fields(source.get("fields") or (), source.get("zotero_collections") or ()),
    )


def _iso_date(text: str | None, option: str) -> str | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError as err:
        raise SourcewiseError(f"{option} expects a date like 2024-01-31, got {text!r}") from err


def _fields(pairs: tuple[str, ...], collections: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out = [("collection", name) for name in collections]
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SourcewiseError(f"--field expects KEY=VALUE, got {pair!r}")
        out.append((key.strip().lower(), value.strip()))
    return tuple(out)
