"""What the engine's facade parts share: the settings, the components built from them, and
the library opened with them. Private to :mod:`sourcewise.core.engine`: no client sees it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from sourcewise.core.components import MODEL_PARTS, Makers
from sourcewise.core.settings import Component, Settings

if TYPE_CHECKING:
    from sourcewise.core.embed.base import Embedder
    from sourcewise.core.llm.base import ChatModel
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.retrieve.live_embedder import LiveEmbedders
    from sourcewise.core.retrieve.rerank import Reranker
    from sourcewise.core.retrieve.search import Searcher
    from sourcewise.core.store.answer_log import AnswerLog
    from sourcewise.core.store.backends import Records
    from sourcewise.core.store.chats import ChatStore
    from sourcewise.core.store.protocol import Store


class Parts:
    """The components and the open library one engine answers with (rebuilt in place)."""

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
        self.settings = settings
        self.models = models
        self.embedder = embedder
        self.chat_model = chat_model
        self.reranker = reranker
        self.makers = makers or Makers()
        self._store: Store | None = None
        self._records: Records | None = None
        self.searcher: Searcher | None = None
        self._live_embedders: LiveEmbedders | None = None
        # One writer at a time (as Anki does): indexing jobs and removals never interleave.
        self.write_lock = threading.Lock()

    @property
    def store(self) -> Store:
        """The library of ``store.backend``: SQLite here, or a team library on PostgreSQL."""
        if self._store is None:
            from sourcewise.core.store.backends import open_store

            self._store = open_store(self.settings, self.embedder)
        return self._store

    @property
    def live(self) -> LiveEmbedders:
        """Which embedder reads the live vectors (the previous one while re-embedding)."""
        if self._live_embedders is None:
            from sourcewise.core.retrieve.live_embedder import LiveEmbedders, by_name

            make = by_name(self.makers.embedder, self.settings, self.models)
            self._live_embedders = LiveEmbedders(make)
        return self._live_embedders

    def _open_records(self) -> Records:
        if self._records is None:
            from sourcewise.core.store.backends import open_records

            self._records = open_records(self.store, self.settings)
        return self._records

    @property
    def answer_log(self) -> AnswerLog:
        """Every answer given, for ``sourcewise report`` (store.backend = 'sqlite': in the
        index database; 'postgres': in this machine's personal database)."""
        from sourcewise.core.store.answer_log import AnswerLog

        records = self._open_records()
        return AnswerLog(records.db, records.lock)

    @property
    def chats(self) -> ChatStore:
        """Stored conversations, where the answer log is."""
        from sourcewise.core.store.chats import ChatStore

        records = self._open_records()
        return ChatStore(records.db, records.lock)

    def require_chat_model(self) -> ChatModel:
        if self.chat_model is None:
            from sourcewise.core.errors import NO_CHAT_MODEL, ModelError

            raise ModelError(NO_CHAT_MODEL)
        return self.chat_model

    def rebuild(self, parts: set[Component], new: Settings) -> None:
        from sourcewise.core.modelstore.store import ModelStore

        models = ModelStore(new) if "models" in parts else self.models
        made: dict[str, Any] = {}
        for part in MODEL_PARTS:
            maker = getattr(self.makers, part)
            if part in parts and maker is not None:
                made[part] = maker(new, models)
        if "index" in parts:
            self.close()  # reopened on first use, with the new settings and embedder
        self.models, self.settings = models, new
        for name, component in made.items():
            setattr(self, name, component)  # the old one is freed with its last reference
        if "searcher" in parts:
            self.searcher = None

    def close(self) -> None:
        self._live_embedders = None  # the previous model is the reopened library's
        if self._records is not None:
            self._records.close()
            self._records = None
        if self._store is not None:
            self._store.close()
            self._store = None
