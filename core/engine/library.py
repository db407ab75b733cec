"""The library part of the facade: indexing, what is indexed, watching folders, searching."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sourcewise.core.engine.parts import Parts
from sourcewise.core.progress import CancelToken, ProgressCallback
from sourcewise.core.types import (
    DocumentInfo,
    IndexReport,
    IndexStatus,
    Passage,
    RootFolder,
    SearchFilters,
    SearchHit,
)

ReportCallback = Callable[[IndexReport], None]


class Library:
    """The indexed documents of one data directory (``engine.library``)."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

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

        p = self._parts
        with p.write_lock:
            job = IndexJob(p.settings, p.store, p.embedder)
            return job.run(list(paths), collection, progress=progress, cancel=cancel)

    def remove(self, paths: Sequence[Path], collection: str | None = None) -> int:
        """Forget files or whole folders; returns how many documents were removed."""
        with self._parts.write_lock:
            return self._parts.store.remove_paths(list(paths), collection)

    def status(self) -> IndexStatus:
        from sourcewise.core.embed import languages

        p = self._parts
        status = p.store.status()
        mix = languages.language_mix(languages.sample_texts(p.store))
        status.languages, status.non_english = mix.shares, mix.non_english
        hint = languages.embedder_hint(mix, p.embedder.name, p.models.manifest())
        status.hints += [h for h in (hint, p.live.hint(p.store, p.embedder, status.reembed))
                         if h]  # fmt: skip
        return status

    def documents(
        self, collection: str | None = None, *, document_id: int | None = None
    ) -> list[DocumentInfo]:
        """The documents of ``collection`` (None: every collection), or the one whose
        ``DocumentInfo.document_id`` is ``document_id`` (none when there is no such one)."""
        store = self._parts.store
        if document_id is None:
            return store.documents(collection)
        doc = store.document_info(document_id)
        return [doc] if doc is not None and collection in (None, doc.collection) else []

    def passages(
        self, *, chunk_id: int | None = None, document_id: int | None = None, min_tokens: int = 0
    ) -> list[Passage]:
        """Indexed passages (chunks) with their paths and pages, chosen by at most one of:

        - ``chunk_id``: the passage a search hit or citation names; none when no indexed
          document holds it (removed, or re-indexed since);
        - ``document_id``: every passage of that document, in reading order (none for a
          failed one);
        - neither: every passage of at least ``min_tokens`` tokens, in a stable order
          (identical files share their chunks: the first of their paths alphabetically
          stands for them).
        """
        selectors = [chunk_id is not None, document_id is not None, min_tokens > 0]
        if sum(selectors) > 1:
            raise ValueError("passages() selects by one of chunk_id, document_id, min_tokens")
        store = self._parts.store
        if chunk_id is not None:
            passage = store.passage(chunk_id)
            return [] if passage is None else [passage]
        if document_id is not None:
            return store.document_passages(document_id)
        return store.passages(min_tokens)

    # -- library folders -------------------------------------------------------------------
    def roots(self, watched_only: bool = False) -> list[RootFolder]:
        """The folders indexed as folders (not files added one by one), per collection."""
        return self._parts.store.roots(watched_only)

    def set_watched(self, collection: str, folder: str, watched: bool) -> None:
        """Remember whether a root folder is watched, so watching resumes on the next start."""
        self._parts.store.set_watch(collection, folder, watched)

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
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        *,
        rerank: bool = True,
    ) -> list[SearchHit]:
        """The best passages for ``query``; ``rerank=False`` skips the re-ranker for this call
        (``sourcewise search --no-rerank``)."""
        from sourcewise.core.retrieve.search import Searcher

        p = self._parts
        index = p.store
        if filters is not None and filters.documents:
            self._require_indexed(filters.documents)
        # While a change of embedding model re-embeds, the previous model reads the live vectors.
        reranker = p.reranker if rerank else None
        current = (index, p.live.for_store(index, p.embedder), reranker)
        if p.searcher is None or p.searcher.parts != current:
            # Kept between queries rather than rebuilt for each one.
            p.searcher = Searcher(p.settings, *current)
        return p.searcher.search(query, k or p.settings.retrieval.k, filters or SearchFilters())

    def _require_indexed(self, paths: Sequence[str]) -> None:
        from sourcewise.core.errors import SourcewiseError

        found = {d.path for d in self._parts.store.find_documents(list(paths))}
        missing = [p for p in paths if p not in found]
        if missing:
            raise SourcewiseError(f"not indexed: {', '.join(missing)} (index it first)")
