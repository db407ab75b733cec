"""An indexing job: scan, parse in parallel, chunk, embed in batches, commit file by file.

Each file commits in its own transaction, so a crash or cancel loses at most the files
in flight, and a rerun skips everything committed. Known content (duplicates, moves, touched
files) is linked without parsing or embedding, and so is content another indexer of a team
library claimed and stored (core/ingest/claiming.py).
"""

from __future__ import annotations

import os
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

import numpy as np

from sourcewise.core.embed.base import Embedder, embed_by_length
from sourcewise.core.errors import Cancelled, SourcewiseError, StoreError
from sourcewise.core.ingest import reembed
from sourcewise.core.ingest.card import content_card
from sourcewise.core.ingest.chunking import SEPARATOR, Chunker, embedding_text
from sourcewise.core.ingest.claiming import ClaimedWork
from sourcewise.core.ingest.job_sources import Parsed as _Parsed
from sourcewise.core.ingest.job_sources import SourceHooks
from sourcewise.core.ingest.job_sources import chunk_count as _chunk_count
from sourcewise.core.ingest.page_marks import with_page_marks
from sourcewise.core.ingest.parse_pool import (
    WORKERS_DID_NOT_START,
    ParseOutcome,
    make_executor,
    parse_task,
    parse_workers,
    worker_alive,
)
from sourcewise.core.ingest.parsers import is_mbox
from sourcewise.core.ingest.scan import Candidate, Unreadable, sha256_file, walk
from sourcewise.core.ingest.sources.zotero_index import sync_zotero
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback, RateMeter
from sourcewise.core.settings import Settings
from sourcewise.core.store.protocol import Store
from sourcewise.core.store.rows import BlobInfo
from sourcewise.core.types import FileFailure, FileWarning, IndexReport

# Files queued per parse worker, so workers keep parsing while the main thread embeds.
_FILES_AHEAD = 8
# Longest parsed chunks wait for a full embedding pool when parsing is slow (OCR).
_MAX_WAIT_S = 2.0
_START_TIMEOUT_S = 60.0  # a fresh pool's first task, alone, on a machine under load

_Queue = deque[tuple[Candidate, str]]
_Inflight = dict[Future[ParseOutcome], tuple[Candidate, str]]


class IndexJob(SourceHooks):
    def __init__(self, settings: Settings, index: Store, embedder: Embedder) -> None:
        self.settings = settings
        self.index = index
        self.embedder = embedder
        cfg = settings.index
        self.chunker = Chunker(embedder.count_tokens, cfg.chunk_tokens, cfg.chunk_overlap,
                               cfg.min_chunk_tokens, cfg.table_chunk_tokens)  # fmt: skip
        self._meter = RateMeter()
        self._heading_sizes: dict[str, int] = {}

    def run(
        self,
        paths: list[Path],
        collection: str,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> IndexReport:
        """Index ``paths`` into ``collection``; Cancelled carries the partial report (the
        files committed before the cancel stay indexed)."""
        self._progress = progress or (lambda _p: None)
        self._cancel = cancel or CancelToken()
        self.report = IndexReport(collection=collection)
        roots = _resolve_roots(paths)
        self._cid = self.index.content.collection_id(collection) or 0
        started = time.monotonic()
        try:
            for root in roots:
                if root.is_dir():
                    self.index.content.add_root(self._cid, root)
            reembed.prepare(self.index, self.embedder)
            to_parse, seen = self._scan(roots)
            self._parse_and_embed(to_parse)
            self.index_mail()
            sync_zotero(self, roots, seen)
            self._remove_missing(roots, seen)
            # After the files: new ones are found by keywords meanwhile, removed ones are not
            # re-embedded, and search reads the previous model's vectors until the swap.
            if self.index.reembed_needed:
                self.report.chunks_reembedded = reembed.reembed_all(
                    self.index, self.embedder, self.settings.embed.batch_size, self._progress,
                    self._cancel)  # fmt: skip
        except Cancelled:
            self.report.cancelled = True
        finally:
            self.index.claims.release_all()
            self.index.save_vectors()
            self.report.seconds = time.monotonic() - started
        if self.report.cancelled:
            raise Cancelled("indexing cancelled", report=self.report)
        return self.report

    # -- scan --------------------------------------------------------------------------------
    def _scan(self, roots: list[Path]) -> tuple[list[tuple[Candidate, str]], set[str]]:
        to_parse: list[tuple[Candidate, str]] = []
        self._mail: list[Candidate] = []  # read message by message (sources/mailbox_index.py)
        self._dupes: dict[str, list[Candidate]] = {}
        seen: set[str] = set()
        max_bytes = self.settings.index.max_file_mb * 1024 * 1024
        for item in walk(roots, self._cancel):
            self.report.files_seen += 1
            seen.add(str(item.path))
            if isinstance(item, Unreadable):
                self._fail(item.path, (0, 0.0), "none", "unreadable", item.message)
                continue
            if is_mbox(item.path) or item.file_type == "eml":
                self._mail.append(item)  # an archive of any size: read incrementally
                continue
            if item.size > max_bytes:
                msg = f"file is {item.size / 2**20:.0f} MB, over the {max_bytes >> 20} MB limit"
                self._fail(item.path, item.stat, item.file_type, "too_large", msg)
                continue
            self._classify(item, to_parse)
            found = self.report.files_seen
            self._progress(Progress("scanning", done=found, message=f"{found} files found"))
        return to_parse, seen

    def _classify(self, cand: Candidate, to_parse: list[tuple[Candidate, str]]) -> None:
        row = self.index.catalog.document(self._cid, str(cand.path))
        if (
            row
            and row["size"] == cand.size
            and row["mtime"] == cand.mtime
            and row["status"] != "pending"
        ):
            self.report.files_unchanged += 1
            return
        try:
            sha = sha256_file(cand.path, self._cancel)
        except OSError as err:
            self._fail(
                cand.path,
                cand.stat,
                cand.file_type,
                "unreadable",
                f"cannot read file: {err.strerror or err}",
            )
            return
        content = self.index.content
        if row and row["sha256"] == sha and row["status"] == "indexed":
            content.link_existing_content(self._cid, cand.path, cand.stat, sha, cand.file_type)
            self.report.files_unchanged += 1
        elif content.blob_id(sha) is not None:
            content.link_existing_content(self._cid, cand.path, cand.stat, sha, cand.file_type)
            self.report.files_deduplicated += 1
        elif sha in self._dupes:
            self._dupes[sha].append(cand)  # same content as a file queued in this run
        else:
            self._dupes[sha] = []
            to_parse.append((cand, sha))

    # -- parse, chunk, embed, commit -----------------------------------------------------------
    def _parse_and_embed(self, work: list[tuple[Candidate, str]]) -> None:
        self._files_total = len(work)
        if not work:
            return
        self._start_pool()
        # Seconds on a cold start: say so, and load the embedder while the workers start.
        message = f"starting the parsers, loading {self.embedder.name}"
        self._progress(Progress("starting", total=len(work), message=message))
        self.embedder.warm_up()
        claims = ClaimedWork(self.index, work, self._link_known)
        queue: _Queue = deque()
        inflight: _Inflight = {}
        batch: list[_Parsed] = []
        try:
            oldest = 0.0
            while queue or inflight or not claims.done():
                claims.refill(queue, self._workers * _FILES_AHEAD - len(queue) - len(inflight))
                if not (queue or inflight or batch):
                    claims.wait_for_others(queue, self._cancel, self._progress)
                self._fill(queue, inflight)
                deadline = oldest + _MAX_WAIT_S if batch else float("inf")
                for fut in self._wait(inflight, deadline) if inflight else ():
                    if fut not in inflight:
                        continue  # its pool broke and its file is queued again
                    parsed = self._collect(fut, inflight, queue)
                    if parsed is not None:
                        oldest = oldest if batch else time.monotonic()
                        batch.append(parsed)
                if batch and self._should_embed(batch, oldest, done=not queue and not inflight):
                    self._embed_and_commit(batch)
                    batch = []
        finally:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def _fill(self, queue: _Queue, inflight: _Inflight) -> None:
        """Several files queued per worker: they keep parsing while this thread embeds."""
        cfg = self.settings.index
        while queue and len(inflight) < self._workers * _FILES_AHEAD:
            cand, sha = queue.popleft()
            try:
                fut = self._executor.submit(
                    parse_task, str(cand.path), cfg.ocr, cfg.max_file_mb << 20
                )
            except BrokenProcessPool:
                # A worker died since the last look; this file was not in it.
                queue.appendleft((cand, sha))
                self._pool_broke(inflight, queue)
                continue
            inflight[fut] = (cand, sha)

    def _wait(self, inflight: _Inflight, deadline: float) -> set[Future[ParseOutcome]]:
        """Parsed files, or none once ``deadline`` passes (parsed chunks are waiting)."""
        # Short waits so a cancel is noticed within a fraction of a second.
        while True:
            self._cancel.check()
            done, _ = wait(list(inflight), timeout=0.2, return_when=FIRST_COMPLETED)
            if done or time.monotonic() > deadline:
                return done

    def _collect(
        self, fut: Future[ParseOutcome], inflight: _Inflight, queue: _Queue
    ) -> _Parsed | None:
        try:
            outcome = fut.result()
        except BrokenProcessPool:
            self._pool_broke(inflight, queue)
            return None
        cand, sha = inflight.pop(fut)
        if outcome.failure is not None:
            self._fail(cand.path, cand.stat, cand.file_type, *outcome.failure)
            self._fail_dupes(sha, *outcome.failure)
            return None
        assert outcome.doc is not None
        if self._changed_since_scan(cand, queue):
            return None
        _, chunks = self.chunker.chunk(outcome.doc)
        chunks = with_page_marks(outcome.doc, chunks, SEPARATOR)
        return _Parsed(cand, sha, outcome.doc, chunks)

    def _pool_broke(self, inflight: _Inflight, queue: _Queue) -> None:
        """A worker died (a parser crashed hard, or the process was killed): every file in
        flight is retried once in a new pool; a file in flight at two breaks is taken to be the
        culprit and marked failed."""
        restarted = not self._ran_first(self._started)
        if restarted:
            # The pool broke before its first task ran: a crash on a busy machine, where
            # processes start slowly, or no worker can start at all (a script without a
            # __main__ guard). A fresh pool running that task alone tells them apart.
            self._restart_pool()
            if not self._ran_first(self._started, timeout=_START_TIMEOUT_S):
                # Stop with the reason rather than mark every file corrupt; nothing is lost.
                raise StoreError(WORKERS_DID_NOT_START)
        for cand, sha in inflight.values():
            if cand.attempts >= 1:
                msg = "the parser crashed on this file"
                self._fail(cand.path, cand.stat, cand.file_type, "corrupt", msg)
                self._fail_dupes(sha, "corrupt", msg)
            else:
                queue.appendleft((replace(cand, attempts=cand.attempts + 1), sha))
        inflight.clear()
        if not restarted:
            self._restart_pool()

    def _start_pool(self) -> None:
        cfg = self.settings.index
        self._workers = parse_workers(cfg.parse_workers)
        self._executor = make_executor(cfg.parse_mode, self._workers)
        self._started = self._executor.submit(worker_alive)

    def _restart_pool(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._start_pool()

    @staticmethod
    def _ran_first(started: Future[bool], timeout: float = 5) -> bool:
        """Whether the pool's first task (``worker_alive``) ran."""
        try:
            return started.exception(timeout=timeout) is None
        except (CancelledError, TimeoutError):
            return False

    def _changed_since_scan(self, cand: Candidate, queue: _Queue) -> bool:
        """True when the file changed after it was hashed: it is re-queued once, then left
        'pending' for the next run rather than indexed with a hash that does not match."""
        try:
            st = cand.path.stat()
            if (st.st_size, st.st_mtime) == cand.stat:
                return False
            if cand.attempts < 1:
                retry = replace(
                    cand, size=st.st_size, mtime=st.st_mtime, attempts=cand.attempts + 1
                )
                queue.append((retry, sha256_file(cand.path, self._cancel)))
                self._files_total += 1
                return True
        except OSError:
            self._fail(
                cand.path,
                cand.stat,
                cand.file_type,
                "unreadable",
                "file disappeared while indexing",
            )
            return True
        self.index.content.record_failure(self._cid, cand.path, (0, 0.0), cand.file_type, "pending",
                                  "the file kept changing while it was indexed; it will be retried")  # fmt: skip
        return True

    def _should_embed(self, batch: list[_Parsed], oldest: float, done: bool) -> bool:
        """Embed when the pool is big enough to sort into full, evenly long sub-batches, when
        no work is left, or when parsing is slow (OCR) and chunks have waited long enough.
        Flushing whenever the parse queue ran dry (as before) embedded SciFact's tiny files a
        few chunks at a time, at 60% of the embedder's sorted throughput."""
        if done or _chunk_count(batch) >= self._batch_target():
            return True
        return time.monotonic() - oldest > _MAX_WAIT_S

    def _batch_target(self) -> int:
        # Chunks gathered (across files) before embedding: a larger pool sorts by length into
        # sub-batches with far less padding; sub-batches stay small so cancel lands quickly.
        return max(128, self.settings.embed.batch_size * 16)

    def _embed_and_commit(self, batch: list[_Parsed]) -> None:
        chunks = [c for item in batch for c in item.chunks]
        texts = [embedding_text(c) for c in chunks]
        tokens = [c.tokens + self._heading_tokens(c.heading) for c in chunks]
        vecs = embed_by_length(self.embedder, texts, tokens, self.settings.embed.batch_size,
                               self._cancel.check)  # fmt: skip
        offset = 0
        for item in batch:
            n = len(item.chunks)
            self._commit(item, vecs[offset : offset + n])
            offset += n

    def _heading_tokens(self, heading: str) -> int:
        # Chunks of one section share their heading: count it once.
        if heading not in self._heading_sizes:
            self._heading_sizes[heading] = self.embedder.count_tokens(heading) if heading else 0
        return self._heading_sizes[heading]

    def _commit(self, item: _Parsed, vecs: np.ndarray) -> None:
        doc = item.doc
        blob = BlobInfo(sha256=item.sha, size=item.cand.size, file_type=item.cand.file_type,
                        title=doc.title, author=doc.author, page_count=doc.page_count,
                        text_length=doc.text_length,
                        warnings="; ".join(doc.warnings) or None,
                        card=content_card(doc).to_json())  # fmt: skip
        self.index.content.commit_new_content(
            self._cid, item.cand.path, item.cand.stat, blob, item.chunks, vecs
        )
        self.report.files_indexed += 1
        self.report.warnings += [FileWarning(str(item.cand.path), w) for w in doc.warnings]
        self.report.pages += doc.page_count or 0
        self.report.chunks += len(item.chunks)
        for dupe in self._dupes.get(item.sha, []):
            self.index.content.link_existing_content(
                self._cid, dupe.path, dupe.stat, item.sha, dupe.file_type
            )
            self.report.files_deduplicated += 1
        self._emit("indexing")

    def _link_known(self, cand: Candidate, sha: str) -> None:
        """Content another indexer stored after this job's scan: linked, as a duplicate."""
        self._files_total -= 1
        for c in [cand, *self._dupes.get(sha, [])]:
            self.index.content.link_existing_content(self._cid, c.path, c.stat, sha, c.file_type)
            self.report.files_deduplicated += 1

    # -- removals and bookkeeping --------------------------------------------------------------
    def _remove_missing(self, roots: list[Path], seen: set[str]) -> None:
        gone: list[int] = []
        # A message's path is beneath its archive: it stays while the archive is seen (the
        # archive's own reader removes what left it).
        archives = {str(c.path) for c in self._mail}
        for root in roots:
            if root.is_dir():
                rows = self.index.catalog.paths_under(self._cid, str(root))
                gone.extend(int(r["id"]) for p, r in rows.items()
                            if p not in seen and not _inside(p, archives))  # fmt: skip
        if gone:
            moved_shas = self.index.catalog.content_kept_elsewhere(gone)
            self.report.files_removed += self.index.content.remove_documents(gone)
            self.report.files_moved = min(self.report.files_deduplicated, moved_shas)

    def _fail(
        self, path: Path, stat: tuple[int, float], file_type: str, status: str, message: str
    ) -> None:
        self.index.content.record_failure(self._cid, path, stat, file_type, status, message)
        self.report.files_failed += 1
        self.report.failures.append(FileFailure(str(path), status, message))

    def _fail_dupes(self, sha: str, status: str, message: str) -> None:
        for dupe in self._dupes.get(sha, []):
            self._fail(dupe.path, dupe.stat, dupe.file_type, status, message)

    def _emit(self, stage: str) -> None:
        r = self.report
        done = r.files_indexed + r.files_failed
        total = getattr(self, "_files_total", None)
        self._progress(Progress(
            stage=stage, done=done, total=total, files_done=done, files_total=total,
            pages=r.pages, chunks=r.chunks, rate=self._meter.rate(done),
            eta_s=self._meter.eta(done, total), message=f"{done} files, {r.chunks} chunks",
        ))  # fmt: skip


def _inside(path: str, archives: set[str]) -> bool:
    parent = os.path.dirname(path)
    while parent and parent not in archives:
        up = os.path.dirname(parent)
        parent = "" if up == parent else up
    return bool(parent)


def _resolve_roots(paths: list[Path]) -> list[Path]:
    """Absolute paths; a path that does not exist is an error before anything is touched."""
    roots = []
    for p in paths:
        resolved = Path(p).expanduser().resolve(strict=False)
        if not resolved.exists():
            raise SourcewiseError(f"no such file or folder: {p}")
        roots.append(resolved)
    return roots
