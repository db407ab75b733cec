"""Giving the PDFs of a Zotero data directory their items' metadata, after an indexing run.

The PDFs under ``storage/`` are indexed as files (the walk skips the rest of the data
directory); this reads the library's database and writes each indexed PDF's title, authors,
year, publication and collections as its source metadata, so questions can name a paper by
author and year, citations read "Smith et al. (2021), p. 4", and a collection is a filter.
Metadata is per document, not per content: moving a paper to another collection re-embeds
nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sourcewise.core.ingest.sources import zotero
from sourcewise.core.progress import Progress

if TYPE_CHECKING:
    from sourcewise.core.ingest.job_sources import SourceHooks as IndexJob


def data_dirs(roots: list[Path]) -> Iterator[Path]:
    """Zotero data directories among the roots and their immediate subfolders (indexing one's
    home folder finds ``~/Zotero``)."""
    for root in roots:
        if not root.is_dir():
            continue
        if zotero.is_data_dir(root):
            yield root
            continue
        try:
            children = sorted(p for p in root.iterdir() if p.is_dir())
        except OSError:
            continue
        yield from (child for child in children if zotero.is_data_dir(child))


def sync_zotero(job: IndexJob, roots: list[Path], seen: set[str]) -> None:
    """Write each indexed PDF's item metadata; a database that cannot be read is reported as
    a failed file (``zotero.sqlite``) and indexing goes on without its metadata."""
    for folder in data_dirs(roots):
        database = folder / zotero.DATABASE
        seen.add(str(database))  # so a failure recorded on it stays listed until it is fixed
        try:
            library = zotero.read_library(folder)
        except zotero.ZoteroError as err:
            stat = database.stat()
            job.fail(database, (stat.st_size, stat.st_mtime), "sqlite", err.kind, str(err))
            continue
        _forget_failure(job, database)
        _write(job, database, library)


def _write(job: IndexJob, database: Path, library: dict[Path, dict[str, list[str]]]) -> None:
    """Skipped when neither the library nor the indexed files changed since the last run."""
    content = job.index.content
    digest = hashlib.sha256(json.dumps(sorted((str(p), m) for p, m in library.items()),
                                       ensure_ascii=False).encode()).hexdigest()  # fmt: skip
    files_changed = job.report.files_indexed + job.report.files_deduplicated
    if not files_changed and content.source_state(job.collection_id, database) == digest:
        return
    written = 0
    for path, meta in library.items():
        job.cancel.check()
        written += content.set_source_meta(job.collection_id, path, meta)
    content.set_source_state(job.collection_id, database, digest)
    job.progress(Progress("zotero", done=written, total=len(library),
                          message=f"{written} Zotero items read"))  # fmt: skip


def _forget_failure(job: IndexJob, database: Path) -> None:
    row = job.index.catalog.document(job.collection_id, str(database))
    if row is not None:
        job.index.content.remove_documents([int(row["id"])])
