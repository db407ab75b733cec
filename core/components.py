"""What an engine is made of, and which of its parts new settings rebuild.

Each settings field says which component a running engine rebuilds to apply it (its
``rebuild`` mark in :mod:`sourcewise.core.settings`, as qutebrowser's ``configdata.yml``
marks ``restart: true``); fields without the mark are read on every call. A rebuilt part
takes those built from it along: see :func:`rebuilds_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sourcewise.core.settings import Component, Settings, changed_fields, rebuild_fields

if TYPE_CHECKING:
    from sourcewise.core.embed.base import Embedder
    from sourcewise.core.llm.base import ChatModel
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.retrieve.rerank import Reranker

# An index holds its embedder's dimension and name; a searcher holds the index, the embedder,
# the reranker and the retrieval settings; every model is found through the model store.
FOLLOWERS: dict[Component, tuple[Component, ...]] = {
    "models": ("embedder", "chat_model", "reranker"),
    "embedder": ("index",),
    "index": ("searcher",),
    "reranker": ("searcher",),
    "chat_model": (),
    "searcher": (),
}
MODEL_PARTS: tuple[Component, ...] = ("embedder", "chat_model", "reranker")


@dataclass(frozen=True)
class Makers:
    """How the engine remakes each model component from settings (the factory's ``make_*``).
    None keeps the component the caller injected: a test fake reads no settings."""

    embedder: Callable[[Settings, ModelStore], Embedder] | None = None
    chat_model: Callable[[Settings, ModelStore], ChatModel | None] | None = None
    reranker: Callable[[Settings, ModelStore], Reranker | None] | None = None


def rebuilds_for(old: Settings, new: Settings) -> set[Component]:
    """The components to rebuild to go from ``old`` to ``new``: each changed field's mark and
    what follows from it. Empty when every change applies on the next call by itself."""
    marks = rebuild_fields()
    todo = [marks[name] for name in changed_fields(old, new) if name in marks]
    parts: set[Component] = set()
    while todo:
        part = todo.pop()
        if part not in parts:
            parts.add(part)
            todo.extend(FOLLOWERS[part])
    return parts
