"""The engine facade: the one object the CLI, the desktop app, the API server and tests use.

It is built in one place (:func:`sourcewise.core.factory.build_engine`) from settings and
optional injected components. Methods return typed dataclasses; long ones take a progress
callback and a cancel token and raise :class:`~sourcewise.core.errors.Cancelled` when cancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sourcewise.core.progress import CancelToken, ProgressCallback
from sourcewise.core.settings import Settings
from sourcewise.core.types import (
    Answer,
    ChatTurn,
    DocumentInfo,
    IndexReport,
    IndexStatus,
    SearchFilters,
    SearchHit,
)

if TYPE_CHECKING:
    from sourcewise.core.chat.store import ChatStore
    from sourcewise.core.embed.base import Embedder
    from sourcewise.core.llm.base import ChatModel
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.monitor.log import AnswerLog
    from sourcewise.core.retrieve.rerank import Reranker
    from sourcewise.core.retrieve.search import Searcher
    from sourcewise.core.store.index import Index

TokenCallback = Callable[[str], None]


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
    ) -> None:
        self.settings = settings
        self.models = models
        self.embedder = embedder
        self.chat_model = chat_model
        self.reranker = reranker
        self._index: Index | None = None
        self._searcher: Searcher | None = None
        # One writer at a time (as Anki does): indexing jobs and removals never interleave.
        self._write_lock = threading.Lock()

    # -- index -----------------------------------------------------------------------------
    @property
    def index_store(self) -> Index:
        if self._index is None:
            from sourcewise.core.store.index import Index

            self._index = Index.open(self.settings, self.embedder)
        return self._index

    def index(
        self,
        paths: Sequence[Path],
        collection: str = "default",
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> IndexReport:
        """Add or update files and folders; unchanged files are skipped, removed ones dropped."""
        from sourcewise.core.ingest.pipeline import IndexJob

        with self._write_lock:
            job = IndexJob(self.settings, self.index_store, self.embedder)
            return job.run(list(paths), collection, progress=progress, cancel=cancel)

    def remove(self, paths: Sequence[Path], collection: str | None = None) -> int:
        """Forget files or whole folders; returns how many documents were removed."""
        with self._write_lock:
            return self.index_store.remove_paths(list(paths), collection)

    def status(self) -> IndexStatus:
        return self.index_store.status()

    def documents(self, collection: str | None = None) -> list[DocumentInfo]:
        return self.index_store.documents(collection)

    # -- retrieval ---------------------------------------------------------------------------
    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None
    ) -> list[SearchHit]:
        from sourcewise.core.retrieve.search import Searcher

        index = self.index_store
        if index.reembed_needed:
            from sourcewise.core.errors import IndexError_

            raise IndexError_(
                f"the index was built with another embedding model ({index.meta('embed_model')}); "
                f"index again to re-embed it with {self.embedder.name}"
            )
        current = (index, self.embedder, self.reranker)
        if self._searcher is None or self._searcher.parts != current:
            # Kept between queries rather than rebuilt for each one.
            self._searcher = Searcher(self.settings, *current)
        return self._searcher.search(
            query, k or self.settings.retrieval.k, filters or SearchFilters()
        )

    # -- answering ---------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        history: Sequence[ChatTurn] = (),
        on_token: TokenCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Answer:
        """Retrieve, then stream a cited answer (or abstain when the evidence is too weak)."""
        from sourcewise.core.answer.answerer import Answerer

        model = self.require_chat_model()
        recording = self.answer_log.start(self.search)  # sees the retrieval scores
        answerer = Answerer(self.settings, model, recording.search, self.reranker)
        answer = answerer.ask(
            question, filters=filters, history=history, on_token=on_token, cancel=cancel
        )
        recording.finish(answer, model.name, self.settings.llm.adapter)
        return answer

    @property
    def answer_log(self) -> AnswerLog:
        """Every answer given, for ``sourcewise report`` (in the index database)."""
        from sourcewise.core.monitor.log import AnswerLog

        return AnswerLog(self.index_store.db, self.index_store.lock)

    @property
    def chats(self) -> ChatStore:
        """Stored conversations, in the index database."""
        from sourcewise.core.chat.store import ChatStore

        return ChatStore(self.index_store.db, self.index_store.lock)

    def require_chat_model(self) -> ChatModel:
        if self.chat_model is None:
            from sourcewise.core.errors import ModelError

            raise ModelError("no chat model is configured")
        return self.chat_model

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
