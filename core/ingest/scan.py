"""Walking the user's paths and deciding, per file, what indexing has to do.

Cheap checks first: an unchanged size and mtime means skip; otherwise the content hash decides
whether the file needs parsing at all (known content is linked, never re-embedded).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sourcewise.core.ingest.parsers import is_supported
from sourcewise.core.progress import CancelToken

Action = Literal["skip", "touch", "link", "parse"]
_HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class Candidate:
    path: Path
    size: int
    mtime: float
    explicit: bool  # named by the user (not found by walking a folder)
    attempts: int = 0  # parse attempts so far (a file changing mid-run, a crashed parser)

    @property
    def stat(self) -> tuple[int, float]:
        return (self.size, self.mtime)

    @property
    def file_type(self) -> str:
        return self.path.suffix.lower().lstrip(".") or "none"


@dataclass(frozen=True)
class Unreadable:
    path: Path
    message: str


def walk(paths: list[Path], cancel: CancelToken) -> Iterator[Candidate | Unreadable]:
    """Files under ``paths``: folders recursively (hidden entries and unknown types skipped,
    symlinked folders not followed so loops cannot trap us); files named explicitly always."""
    for root in paths:
        cancel.check()
        if root.is_dir():
            yield from _walk_dir(root, cancel)
        else:
            yield _candidate(root, explicit=True)


def _walk_dir(root: Path, cancel: CancelToken) -> Iterator[Candidate | Unreadable]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, followlinks=False, onerror=errors.append):
        cancel.check()
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _settings_dir(folder, d))
        if "zotero.sqlite" in files:  # a Zotero data directory: only its papers
            dirs[:] = [d for d in dirs if d == "storage"]
        for name in sorted(files):
            path = Path(folder) / name
            if name.startswith(".") or not is_supported(path):
                continue
            yield _candidate(path, explicit=False)
    for err in errors:
        yield Unreadable(Path(err.filename or root), f"folder cannot be read: {err.strerror}")


def _settings_dir(folder: str, name: str) -> bool:
    """A note app's own folder, not notes: Logseq's ``logseq/`` (config, backups, recycle bin).
    Obsidian's ``.obsidian/`` and ``.trash/`` are hidden folders, skipped as all are."""
    return name == "logseq" and os.path.isfile(os.path.join(folder, name, "config.edn"))


def _candidate(path: Path, explicit: bool) -> Candidate | Unreadable:
    try:
        st = path.stat()  # follows a symlinked file to its target
    except OSError as err:
        return Unreadable(path, f"cannot read file: {err.strerror or err}")
    if not path.is_file():
        return Unreadable(path, "not a regular file")
    return Candidate(path, st.st_size, st.st_mtime, explicit)


def sha256_file(path: Path, cancel: CancelToken) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_HASH_BLOCK):
            digest.update(block)
            cancel.check()
    return digest.hexdigest()
