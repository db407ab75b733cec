"""Indexing jobs for the window: one at a time, later requests queued, progress to the bar."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.progress import Progress
from sourcewise.core.types import IndexReport
from sourcewise.desktop.index_bar import IndexBar
from sourcewise.desktop.qt import QObject, Signal
from sourcewise.desktop.workers import Job, JobRunner

LIVE_REFRESH_S = 3.0  # while indexing, the library is re-read this often


class IndexController(QObject):
    progress = Signal(object)  # Progress
    finished = Signal(object)  # IndexReport (cancelled or not), or None when the job failed
    queued = Signal(int)  # requests waiting
    started = Signal()  # a job started (the status bar stops saying "Ready")
    documents = Signal(object)  # list[DocumentInfo], read while indexing runs

    def __init__(self, runner: JobRunner, bar: IndexBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.bar = bar
        self.engine: Engine | None = None
        self.job: Job | None = None
        self.pending: list[tuple[list[Path], str, bool]] = []
        self.live_refresh_s = LIVE_REFRESH_S
        bar.cancel_requested.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self.job is not None

    def index(self, paths: Sequence[Path], collection: str, *, force: bool = False) -> None:
        """Index files and folders; ``force`` forgets them first, so failed files are retried."""
        paths = [Path(p) for p in paths]
        engine = self.engine
        if engine is None or self.job is not None:
            self.pending.append((paths, collection, force))
            self.queued.emit(len(self.pending))
            return

        every = self.live_refresh_s

        def work(job: Job) -> IndexReport:
            if force:
                engine.library.remove(paths, collection)
            last = time.monotonic() - every + min(every, 1.0)  # the first after a second

            def progress(p: Progress) -> None:
                nonlocal last
                job.report_progress(p)
                # The library is read here, on the indexing thread, between files: a job
                # queued behind this one would only run when indexing ends.
                if p.files_done and time.monotonic() - last >= every:
                    last = time.monotonic() - every + min(every, 1.0)  # the first after a second
                    job.signals.partial.emit(engine.library.documents())

            return engine.library.index(
                paths, collection, progress=progress, cancel=job.cancel_token
            )

        job = Job("indexing", work)
        job.signals.progress.connect(self._on_progress)
        job.signals.partial.connect(self.documents)
        job.signals.finished.connect(self._on_finished)
        job.signals.cancelled.connect(self._on_cancelled)
        job.signals.failed.connect(self._on_failed)
        self.job = job
        self.bar.start(paths[0].name if len(paths) == 1 else f"{len(paths)} items")
        self.runner.start(job)
        self.started.emit()

    def start_pending(self) -> None:
        """Start the next queued request (after the engine arrives, or a job ends)."""
        if self.pending and self.job is None and self.engine is not None:
            paths, collection, force = self.pending.pop(0)
            self.index(paths, collection, force=force)

    def cancel(self) -> None:
        """Cancel the running job and drop the queued ones; committed files are kept."""
        self.pending.clear()
        if self.job is not None:
            self.job.cancel()

    def _on_progress(self, progress: Progress) -> None:
        self.bar.update_progress(progress)
        self.progress.emit(progress)

    def _on_finished(self, report: IndexReport) -> None:
        self.bar.finish(report)
        self._done(report)

    def _on_cancelled(self) -> None:
        report = self.job.result if self.job is not None else None
        self.bar.finish(report, "Indexing cancelled")
        self._done(report)

    def _on_failed(self, message: str) -> None:
        self.bar.finish(None, f"Indexing failed: {message}")
        self._done(None)

    def _done(self, report: IndexReport | None) -> None:
        self.job = None
        self.finished.emit(report)
        self.start_pending()
