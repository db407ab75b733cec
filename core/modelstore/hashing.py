"""SHA-256 of model files and folders; the one definition of a folder's ("tree") hash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from sourcewise.core.progress import CancelToken

CHUNK = 1024 * 1024


def file_sha256(
    path: Path,
    *,
    cancel: CancelToken | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> str:
    """Hash a file in chunks; checks ``cancel`` and reports each chunk's size to ``on_bytes``."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            if cancel is not None:
                cancel.check()
            digest.update(block)
            if on_bytes is not None:
                on_bytes(len(block))
    return digest.hexdigest()


def tree_digest(entries: Iterable[tuple[str, str]]) -> str:
    """The hash of a folder from ``(relative posix path, file sha256)`` pairs.

    It is the sha256 of the sorted lines ``"relative/path\\t<sha256 of file>\\n"`` (UTF-8), so it
    depends on every file's path and content and on nothing else (not on mtimes or order).
    """
    lines = sorted(f"{rel}\t{sha}\n" for rel, sha in entries)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def tree_files(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under ``root`` as ``(relative posix path, path)``, sorted."""
    found = [(p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.is_file()]
    return sorted(found)


def tree_sha256(
    root: Path,
    *,
    cancel: CancelToken | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> str:
    """The :func:`tree_digest` of the folder ``root`` as it is on disk."""
    return tree_digest(
        (rel, file_sha256(p, cancel=cancel, on_bytes=on_bytes)) for rel, p in tree_files(root)
    )


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for _, p in tree_files(root))


def path_sha256(
    path: Path,
    *,
    cancel: CancelToken | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> str:
    """The hash of an installed model: a file's sha256, or a folder's :func:`tree_sha256`."""
    if path.is_dir():
        return tree_sha256(path, cancel=cancel, on_bytes=on_bytes)
    return file_sha256(path, cancel=cancel, on_bytes=on_bytes)
