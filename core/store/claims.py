"""Which files' content an indexer may parse and embed: claims, so that indexers sharing one
library never embed the same content twice.

The SQLite index has one writer (the app that holds it; the engine's write lock orders its
jobs), so every claim is granted: :class:`SoleIndexer`. A team library's claims are rows on
the server (``store/postgres/claims.py``).
"""

from __future__ import annotations

from collections.abc import Sequence


class SoleIndexer:
    """The claims of a library only this process writes: all of them are granted."""

    def take(self, shas: Sequence[str]) -> set[str]:
        return set(shas)

    def release_all(self) -> None:
        """Nothing held: nobody else waits."""
