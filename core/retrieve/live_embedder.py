"""Which embedder reads the vectors search uses now.

After ``embed.model`` changes, the library keeps the previous model's vectors live until the
new model's are complete (core/ingest/reembed.py), so queries are embedded with the previous
model meanwhile. When it cannot be loaded (uninstalled since, or an embedder a test injected,
which cannot be remade from settings), search uses keywords alone and ``status`` says so:
never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sourcewise.core.embed.base import Embedder
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.settings import Settings
from sourcewise.core.store.protocol import Store
from sourcewise.core.types import ReembedProgress

if TYPE_CHECKING:
    from sourcewise.core.modelstore.store import ModelStore

log = logging.getLogger(__name__)

MakeEmbedder = Callable[[str], Embedder]


def by_name(
    maker: Callable[[Settings, ModelStore], Embedder] | None, settings: Settings, models: ModelStore
) -> MakeEmbedder | None:
    """Builds the embedder of a model name as the engine builds its own (None: the engine's
    embedder was injected, and nothing builds another)."""
    if maker is None:
        return None

    def make(name: str) -> Embedder:
        embed = settings.embed.model_copy(update={"model": name})
        return maker(settings.model_copy(update={"embed": embed}), models)

    return make


class LiveEmbedders:
    """``make`` builds an embedder by model name (None: none can be built); each model is
    built and loaded once, on first need."""

    def __init__(self, make: MakeEmbedder | None) -> None:
        self._make = make
        self._loaded: dict[str, Embedder | None] = {}
        self._why: dict[str, str] = {}

    def for_store(self, store: Store, configured: Embedder) -> Embedder | None:
        """The embedder of ``store``'s live vectors; None for keyword search alone. Read at
        each search (one indexed row): another machine may have swapped a team library's."""
        live = store.meta("embed_model") or configured.name
        if live == configured.name:
            return configured
        if live not in self._loaded:
            self._loaded[live] = self._load(live)
        return self._loaded[live]

    def _load(self, name: str) -> Embedder | None:
        if self._make is None:
            self._why[name] = "it cannot be loaded here"
            return None
        try:
            embedder = self._make(name)
            embedder.warm_up()
        except (SourcewiseError, OSError, ValueError, RuntimeError) as err:
            self._why[name] = f"it cannot be loaded ({err})"
            log.warning("searching by keywords until re-embedding ends: %s: %s", name, err)
            return None
        if embedder.name != name:  # not the model that made the vectors
            self._why[name] = f"{name} cannot be loaded here"
            return None
        return embedder

    def hint(self, store: Store, configured: Embedder, progress: ReembedProgress | None) -> str:
        """The status line of a re-embedding in progress ("" when there is none)."""
        if progress is None:
            return ""
        done = (
            f"re-embedding with {progress.model}: {progress.done}/{progress.total} chunks done; "
            "`sourcewise index` finishes it"
        )
        if self.for_store(store, configured) is not None:
            return f"{done}. Search uses {progress.live_model} until it is complete."
        why = self._why.get(progress.live_model, "it cannot be loaded")
        return (
            f"{done}. Search uses keywords only until it is complete: the previous model, "
            f"{progress.live_model}, made the vectors in use and {why}."
        )
