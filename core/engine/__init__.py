"""The engine facade: the one object the CLI, the desktop app, the API server and tests use.

It is built in one place (:func:`sourcewise.core.factory.build_engine`) from settings and
optional injected components, and made of four parts a client names:

- ``engine.library``: index, remove, status, documents, passages, folders, watch, search;
- ``engine.answers``: ask, summarize, feedback, the answer log;
- ``engine.conversations``: ask within a conversation; list, read, rate, delete, export;
- ``engine.models``: which models run, which are missing, warming them up, a plain reply;

plus ``settings``, ``apply_settings``, ``rebuilds_for`` and ``close``. Methods return the
typed dataclasses of :mod:`sourcewise.core.types`; ``ask`` takes its options as one
:class:`~sourcewise.core.types.AskOptions`; long calls take a progress callback and a cancel
token and raise :class:`~sourcewise.core.errors.Cancelled` when cancelled. No store, chat
store, pipeline or model object is handed out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sourcewise.core.components import Makers, rebuilds_for
from sourcewise.core.engine.answers import Answers
from sourcewise.core.engine.conversations import Conversations
from sourcewise.core.engine.library import Library, ReportCallback
from sourcewise.core.engine.models import Models
from sourcewise.core.engine.parts import Parts
from sourcewise.core.settings import Component, Settings

if TYPE_CHECKING:
    from sourcewise.core.embed.base import Embedder
    from sourcewise.core.llm.base import ChatModel
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.retrieve.rerank import Reranker

__all__ = ["Engine", "ReportCallback"]


class Engine:
    """Ingestion, retrieval and answering over one data directory."""

    def __init__(
        self,
        settings: Settings,
        *,
        models: ModelStore,
        embedder: Embedder,
        chat_model: ChatModel | None,
        reranker: Reranker | None,
        makers: Makers | None = None,
    ) -> None:
        self._parts = Parts(settings, models=models, embedder=embedder,
                            chat_model=chat_model, reranker=reranker, makers=makers)  # fmt: skip
        self.library = Library(self._parts)
        self.answers = Answers(self._parts, self.library)
        self.conversations = Conversations(self._parts, self.answers)
        self.models = Models(self._parts)

    @property
    def settings(self) -> Settings:
        """The settings in use (replaced only through :meth:`apply_settings`)."""
        return self._parts.settings

    def apply_settings(self, new: Settings) -> set[Component]:
        """Use ``new`` from the next call on, rebuilding exactly the components whose settings
        changed (:func:`~sourcewise.core.components.rebuilds_for`); returns them. New parts
        are made before an old one is replaced, so a failure leaves the engine as it was. A
        change to the index or the embedder waits for a running indexing job."""
        parts = rebuilds_for(self.settings, new)
        if parts & {"models", "embedder", "index"}:
            with self._parts.write_lock:
                self._parts.rebuild(parts, new)
        else:
            self._parts.rebuild(parts, new)
        return parts

    def rebuilds_for(self, new: Settings) -> set[Component]:
        """The components :meth:`apply_settings` would rebuild for ``new`` (nothing is done)."""
        return rebuilds_for(self.settings, new)

    def close(self) -> None:
        self._parts.close()
