"""The engine facade: the one object the CLI, the desktop app, the API server and tests use.

It is built in one place (:func:`sourcewise.core.factory.build_engine`) from settings and
optional injected components. Methods return typed dataclasses; long ones take a progress
callback and a cancel token and raise :class:`~sourcewise.core.errors.Cancelled` when cancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sourcewise.core.components import MODEL_PARTS, Makers, rebuilds_for
from sourcewise.core.progress import CancelToken, ProgressCallback
from sourcewise.core.settings import Component, Settings
from sourcewise.core.types import (
    Answer,
    ChatTurn,
    Citation,
    DocumentDigest,
    DocumentInfo,
    IndexReport,
    IndexStatus,
    ModelInfo,
    Passage,
    RootFolder,
    SearchFilters,
    SearchHit,
)

if TYPE_CHECKING:
    from sourcewise.core.answer.pipeline import AnswerPipeline
    from sourcewise.core.embed.base import Embedder
    from sourcewise.core.llm.base import ChatModel
    from sourcewise.core.model_library import ModelLibrary
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.retrieve.live_embedder import LiveEmbedders
    from sourcewise.core.retrieve.rerank import Reranker
    from sourcewise.core.retrieve.search import Searcher
    from sourcewise.core.store.answer_log import AnswerLog
    from sourcewise.core.store.backends import Records
    from sourcewise.core.store.chats import ChatStore
    from sourcewise.core.store.protocol import Store
    from sourcewise.core.types import SearchFn

TokenCallback = Callable[[str], None]
ReportCallback = Callable[[IndexReport], None]


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
        self.settings = settings
        self.models = models
        self.embedder = embedder
        self.chat_model = chat_model
        self.reranker = reranker
        self.makers = makers or Makers()
        self._index: Store | None = None
        self._records: Records | None = None
        self._searcher: Searcher | None = None
        self._live_embedders: LiveEmbedders | None = None
        # One writer at a time (as Anki does): indexing jobs and removals never interleave.
        self._write_lock = threading.Lock()

    # -- settings ----------------------------------------------------------------------------
    def apply_settings(self, new: Settings) -> set[Component]:
        """Use ``new`` from the next call on, rebuilding exactly the components whose settings
        changed (:func:`~sourcewise.core.components.rebuilds_for`); returns them. New parts
        are made before an old one is replaced, so a failure leaves the engine as it was. A
        change to the index or the embedder waits for a running indexing job."""
        parts = rebuilds_for(self.settings, new)
        if parts & {"models", "embedder", "index"}:
            with self._write_lock:
                self._rebuild(parts, new)
        else:
            self._rebuild(parts, new)
        return parts

    def rebuilds_for(self, new: Settings) -> set[Component]:
        """The components :meth:`apply_settings` would rebuild for ``new`` (nothing is done)."""
        return rebuilds_for(self.settings, new)

    def _rebuild(self, parts: set[Component], new: Settings) -> None:
        from sourcewise.core.modelstore.store import ModelStore

        models = ModelStore(new) if "models" in parts else self.models
        made: dict[str, Any] = {}
        for part in MODEL_PARTS:
            maker = getattr(self.makers, part)
            if part in parts and maker is not None:
                made[part] = maker(new, models)
        if "index" in parts:
            self._close_store()  # reopened on first use, with the new settings and embedder
        self.models, self.settings = models, new
        for name, component in made.items():
            setattr(self, name, component)  # the old one is freed with its last reference
        if "searcher" in parts:
            self._searcher = None

    # -- index -----------------------------------------------------------------------------
    @property
    def index_store(self) -> Store:
        """The library of ``store.backend``: SQLite here, or a team library on PostgreSQL."""
        if self._index is None:
            from sourcewise.core.store.backends import open_store

            self._index = open_store(self.settings, self.embedder)
        return self._index

    def _close_store(self) -> None:
        self._live_embedders = None  # the previous model is the reopened library's
        if self._records is not None:
            self._records.close()
            self._records = None
        if self._index is not None:
            self._index.close()
            self._index = None

    def index(
        self,
        paths: Sequence[Path],
        collection: str = "default",
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> IndexReport:
        """Add or update files and folders; unchanged files are skipped, removed ones dropped.
        When ``cancel`` is set, the files in flight are dropped and
        :class:`~sourcewise.core.errors.Cancelled` is raised with the partial report
        (``err.report``); the files committed before stay indexed."""
        from sourcewise.core.ingest.pipeline import IndexJob

        with self._write_lock:
            job = IndexJob(self.settings, self.index_store, self.embedder)
            return job.run(list(paths), collection, progress=progress, cancel=cancel)

    def remove(self, paths: Sequence[Path], collection: str | None = None) -> int:
        """Forget files or whole folders; returns how many documents were removed."""
        with self._write_lock:
            return self.index_store.remove_paths(list(paths), collection)

    def status(self) -> IndexStatus:
        from sourcewise.core.embed import languages

        status = self.index_store.status()
        mix = languages.language_mix(languages.sample_texts(self.index_store))
        status.languages, status.non_english = mix.shares, mix.non_english
        hint = languages.embedder_hint(mix, self.embedder.name, self.models.manifest())
        status.hints += [h for h in (hint, self._live.hint(self.index_store, self.embedder,
                                                           status.reembed)) if h]  # fmt: skip
        return status

    @property
    def _live(self) -> LiveEmbedders:
        """Which embedder reads the live vectors (the previous one while re-embedding)."""
        if self._live_embedders is None:
            from sourcewise.core.retrieve.live_embedder import LiveEmbedders, by_name

            make = by_name(self.makers.embedder, self.settings, self.models)
            self._live_embedders = LiveEmbedders(make)
        return self._live_embedders

    def documents(self, collection: str | None = None) -> list[DocumentInfo]:
        return self.index_store.documents(collection)

    def document(self, document_id: int) -> DocumentInfo | None:
        """One document by its ``DocumentInfo.document_id``; None when there is none."""
        return self.index_store.document_info(document_id)

    def passage(self, chunk_id: int) -> Passage | None:
        """The indexed passage (chunk) whose id a search hit or citation names, with its path
        and pages; None when no indexed document holds it (removed, or re-indexed since)."""
        return self.index_store.passage(chunk_id)

    def document_passages(self, document_id: int) -> list[Passage]:
        """Every passage of an indexed document, in reading order (none for a failed one)."""
        return self.index_store.document_passages(document_id)

    def passages(self, min_tokens: int = 0) -> list[Passage]:
        """Every indexed chunk of at least ``min_tokens`` tokens, in a stable order (identical
        files share their chunks: the first of their paths alphabetically stands for them)."""
        return self.index_store.passages(min_tokens)

    # -- library folders -------------------------------------------------------------------
    def roots(self, watched_only: bool = False) -> list[RootFolder]:
        """The folders indexed as folders (not files added one by one), per collection."""
        return self.index_store.roots(watched_only)

    def set_watched(self, collection: str, folder: str, watched: bool) -> None:
        """Remember whether a root folder is watched, so watching resumes on the next start."""
        self.index_store.set_watch(collection, folder, watched)

    def watch(self, collection: str, folders: Sequence[Path], on_report: ReportCallback, *,
              debounce_s: float | None = None) -> Callable[[], None]:  # fmt: skip
        """Re-index ``folders`` into ``collection`` whenever files in them change (after
        ``debounce_s`` of quiet), on a thread of its own that calls ``on_report`` with each
        report; returns the function that stops watching. OSError when a folder cannot be
        watched (gone, unreadable, out of inotify watches)."""
        from sourcewise.core.ingest.watch import DEBOUNCE_S, FolderWatcher

        quiet = DEBOUNCE_S if debounce_s is None else debounce_s
        watcher = FolderWatcher(lambda root: self.index([root], collection), on_report, quiet)
        try:
            watcher.start(list(folders))
        except OSError:
            watcher.stop()
            raise
        return watcher.stop

    # -- retrieval ---------------------------------------------------------------------------
    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None
    ) -> list[SearchHit]:
        from sourcewise.core.retrieve.search import Searcher

        index = self.index_store
        if filters is not None and filters.documents:
            self._require_indexed(filters.documents)
        # While a change of embedding model re-embeds, the previous model reads the live vectors.
        current = (index, self._live.for_store(index, self.embedder), self.reranker)
        if self._searcher is None or self._searcher.parts != current:
            # Kept between queries rather than rebuilt for each one.
            self._searcher = Searcher(self.settings, *current)
        return self._searcher.search(
            query, k or self.settings.retrieval.k, filters or SearchFilters()
        )

    def _require_indexed(self, paths: Sequence[str]) -> None:
        from sourcewise.core.errors import SourcewiseError

        found = {d.path for d in self.index_store.find_documents(list(paths))}
        missing = [p for p in paths if p not in found]
        if missing:
            raise SourcewiseError(f"not indexed: {', '.join(missing)} (index it first)")

    # -- answering ---------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        history: Sequence[ChatTurn] = (),
        on_token: TokenCallback | None = None,
        on_sources: Callable[[list[Citation]], None] | None = None,
        cancel: CancelToken | None = None,
        max_tokens: int | None = None,
        mode: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> Answer:
        """Retrieve, then stream a cited answer (or abstain when the evidence is too weak).

        Summaries, list-every and comparison questions with a document to read (the scope
        ``filters.documents``/``folder``, or one the question names) read whole documents
        instead (``answer.mode == "document"``, with ``progress`` per section); ``mode``
        ("auto", "passages", "document") overrides ``reading.mode``. ``max_tokens`` shortens
        this answer below ``llm.max_tokens`` (never beyond it: the context budget is planned
        for that); a whole-document answer is cut there, and one capped below a section's note
        answers from the best passages of its documents instead of reading them whole.
        ``answer.usage`` counts the model's tokens. The answer is logged
        (``answer.log_id``); the pipeline is :meth:`answer_pipeline`'s, as eval's is.
        """
        from sourcewise.core.answer.pipeline import nothing_indexed
        from sourcewise.core.monitor.log import Recording

        model = self.require_chat_model()
        if self.index_store.is_empty():
            return nothing_indexed(question, on_token)
        recording = Recording(self.answer_log, self.search)  # sees the retrieval scores
        pipeline = self.answer_pipeline(search=recording.search)
        answer = pipeline.ask(question, filters=filters, history=history, on_token=on_token,
                              on_sources=on_sources, cancel=cancel, max_tokens=max_tokens,
                              mode=mode, progress=progress)  # fmt: skip
        answer.log_id = recording.finish(answer, model.name, pipeline.adapter)
        return answer

    def answer_pipeline(
        self,
        model: ChatModel | None = None,
        *,
        settings: Settings | None = None,
        search: SearchFn | None = None,
    ) -> AnswerPipeline:
        """The pipeline :meth:`ask` answers with, built from this engine's parts: the one
        construction every answering caller uses. ``sourcewise eval`` passes the model it
        measures and the settings that model was made from (another adapter), and the plain
        search: nothing is logged."""
        from sourcewise.core.answer.pipeline import AnswerPipeline

        return AnswerPipeline(settings or self.settings, model or self.require_chat_model(),
                              search or self.search, self.reranker, self.index_store,
                              self.models)  # fmt: skip

    def summarize(
        self,
        path: Path,
        question: str = "",
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> DocumentDigest:
        """Read one indexed document whole: a cited summary per section and of the whole (or,
        with ``question``, every item answering it). A cancel returns what was read so far,
        ``cancelled`` set."""
        whole = self.answer_pipeline().documents()
        target = str(Path(path).expanduser().resolve())
        return whole.read([target], question, progress=progress, cancel=cancel)[0]

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

    def _open_records(self) -> Records:
        if self._records is None:
            from sourcewise.core.store.backends import open_records

            self._records = open_records(self.index_store, self.settings)
        return self._records

    def feedback(self, log_id: int, rating: int, comment: str = "") -> None:
        """Thumbs up (+1) or down (-1) on the answer whose ``Answer.log_id`` is ``log_id``."""
        self.answer_log.rate(log_id, rating, comment)

    def require_chat_model(self) -> ChatModel:
        if self.chat_model is None:
            from sourcewise.core.errors import ModelError

            raise ModelError("no chat model is configured")
        return self.chat_model

    def latest_eval_report(self) -> Path | None:
        """The Markdown report of the latest ``sourcewise eval`` run, or None."""
        from sourcewise.core.paths import latest_markdown

        return latest_markdown(self.settings.home)

    # -- models ------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load the models a first question needs and read the answer prompt's fixed prefix,
        so that question does not wait 15-20 s for them (the app calls this in the background
        at start; a model that is missing is left to the model banner to report)."""
        from sourcewise.core.answer.answerability import judge
        from sourcewise.core.errors import SourcewiseError
        from sourcewise.core.llm.base import LogprobsUnavailable

        try:
            self.embedder.warm_up()
            if self.reranker is not None:
                self.reranker.warm_up()
            if self.chat_model is not None:
                self.chat_model.warm_up()
                judge(self.chat_model, "", "", 0.5)  # the system prompt's KV, kept for reuse
        except (SourcewiseError, LogprobsUnavailable, OSError):
            return

    @property
    def model_library(self) -> ModelLibrary:
        """The manifest's models: listed, looked for on this machine, installed."""
        from sourcewise.core.model_library import ModelLibrary

        return ModelLibrary(self.settings, self.models)

    def missing_models(self) -> list[ModelInfo]:
        """Manifest models this engine's components load that are not installed. Components
        injected by tests (hash embedder, echo chat model, fake re-rankers) need none, nor
        does a chat model given as a GGUF path or served by a model server."""
        from sourcewise.core.retrieve.rerank import CrossEncoderReranker

        names = [self.embedder.name]
        chat, llm = self.chat_model, self.settings.llm
        built_in = llm.backend == "llama" and llm.path is None
        if chat is not None and built_in and chat.name.split("+")[0] == llm.model:
            names.append(llm.model)  # the llama.cpp model named "<model>[+<adapter>]"
        if isinstance(self.reranker, CrossEncoderReranker):
            names.append(self.settings.retrieval.rerank_model)
        return self.model_library.missing(names)

    def close(self) -> None:
        self._close_store()
