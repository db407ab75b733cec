"""Paths in a team library, kept relative to named roots (``store.roots``).

The same share is mounted at ``/mnt/team`` on one machine and ``/Volumes/team`` on another;
with ``store.roots = {team = "/mnt/team"}`` on the first and ``{team = "/Volumes/team"}`` on the
second, both store ``@team/reports/q3.pdf``, so they index and search one set of documents
instead of two. The library holds the stored form; each machine maps it to its own mount on
the way out. A path under no named root is stored as it is (one machine's own folder), and a
stored root this machine does not map is shown as stored (``@team/...``).

Writes map explicitly (``store/postgres/content.py``); the shared read SQL of ``core/store``
runs through :class:`~sourcewise.core.store.postgres.connection.Portable`, which maps its
string parameters with :meth:`SharedRoots.stored` and its ``path`` and ``folder`` columns
with :meth:`SharedRoots.local`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePath, PureWindowsPath

from sourcewise.core.errors import ConfigError

MARK = "@"  # no absolute local path starts with it, so stored and local forms never collide
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
PATH_COLUMNS = frozenset({"path", "folder"})


class SharedRoots:
    def __init__(self, roots: Mapping[str, str | PurePath] | None = None) -> None:
        self._mounts: list[tuple[str, str]] = []  # (name, mount without trailing separator)
        for name, mount in (roots or {}).items():
            if not _NAME.match(name):
                raise ConfigError(
                    f"store.roots: {name!r} is not a root name (letters, digits, '.', '_', '-')"
                )
            text = str(mount).rstrip("/\\") or "/"
            if not (PurePath(text).is_absolute() or PureWindowsPath(text).is_absolute()):
                raise ConfigError(f"store.roots.{name}: {text!r} is not an absolute folder")
            self._mounts.append((name, text))
        # The longest mount first: a root nested in another maps to the inner one.
        self._mounts.sort(key=lambda nm: len(nm[1]), reverse=True)

    def __bool__(self) -> bool:
        return bool(self._mounts)

    def stored(self, local: str) -> str:
        """The library's form of a local path (unchanged under no named root)."""
        for name, mount in self._mounts:
            if local == mount:
                return f"{MARK}{name}"
            if local.startswith(mount) and local[len(mount) : len(mount) + 1] in ("/", "\\"):
                return f"{MARK}{name}/{local[len(mount) + 1 :].replace(chr(92), '/')}"
        return local

    def local(self, stored: str) -> str:
        """This machine's path of a stored one (unchanged when its root is not mapped here)."""
        if not stored.startswith(MARK):
            return stored
        name, slash, rest = stored[1:].partition("/")
        for known, mount in self._mounts:
            if known == name:
                sep = "\\" if "\\" in mount and "/" not in mount else "/"
                return f"{mount.rstrip(sep)}{sep}{rest.replace('/', sep)}" if slash else mount
        return stored
