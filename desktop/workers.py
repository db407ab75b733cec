"""Engine calls off the UI thread: a QRunnable per job, results delivered as Qt signals.

The pattern follows napari's ``qthreading`` and Anki's ``QueryOp``: the work function runs on
a :class:`QThreadPool` thread and must never touch widgets; it reports through a
:class:`JobSignals` object (created on the UI thread, so every connection is queued onto it).
Cancelling sets the engine's :class:`CancelToken`; the engine's ``Cancelled`` is a normal end
(``cancelled`` is emitted, never ``failed``), and the partial report it carries is the job's
``result``. A :class:`SourcewiseError` is the user's or the
environment's fault and is shown as is; anything else is a bug: logged with its traceback and
reported with a short message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from sourcewise.core.errors import Cancelled, SourcewiseError
from sourcewise.core.progress import CancelToken
from sourcewise.desktop.qt import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# Progress snapshots are coalesced so a fast job cannot flood the UI thread with events.
PROGRESS_INTERVAL_S = 0.05


class JobSignals(QObject):
    """What a job reports; exactly one of finished, failed, cancelled ends it."""

    progress = Signal(object)
    partial = Signal(object)  # an intermediate result (e.g. the library while indexing runs)
    token = Signal(str)
    sources = Signal(object)  # list[Citation]: the passages an answer reads, before it streams
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal()  # after any of the three above: bookkeeping hooks in here


class Job:
    """One engine call. ``fn`` receives the job and uses ``job.cancel_token``,
    ``job.report_progress`` and ``job.emit_token``; its return value is ``finished``'s payload."""

    def __init__(self, name: str, fn: Callable[[Job], Any]) -> None:
        self.name = name
        self.fn = fn
        self.cancel_token = CancelToken()
        self.signals = JobSignals()
        self.result: Any = None
        self.running = False
        self._last_progress = 0.0
        self._pending_progress: Any = None
        self._lock = threading.Lock()

    # -- called on the worker thread ---------------------------------------------------------
    def report_progress(self, snapshot: Any) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last_progress < PROGRESS_INTERVAL_S:
                self._pending_progress = snapshot  # keep the newest; sent later or at the end
                return
            self._last_progress = now
            self._pending_progress = None
        self.signals.progress.emit(snapshot)

    def emit_token(self, text: str) -> None:
        self.signals.token.emit(text)

    def execute(self) -> None:
        try:
            self.cancel_token.check()  # cancelled while it was still queued
            result = self.fn(self)
        except Cancelled as err:
            self.result = err.report  # what was done before the cancel, if the call says
            self._flush_progress()
            self.signals.cancelled.emit()
        except SourcewiseError as err:
            self.signals.failed.emit(str(err) or type(err).__name__)
        except Exception as err:  # a bug: keep the app alive, log the traceback
            log.exception("job %r failed", self.name)
            self.signals.failed.emit(
                f"Unexpected error in {self.name}: {type(err).__name__}: {err}"
            )
        else:
            self.result = result
            self._flush_progress()
            self.signals.finished.emit(result)
        finally:
            self.signals.ended.emit()

    def _flush_progress(self) -> None:
        with self._lock:
            pending, self._pending_progress = self._pending_progress, None
        if pending is not None:
            self.signals.progress.emit(pending)

    # -- called on the UI thread --------------------------------------------------------------
    def cancel(self) -> None:
        self.cancel_token.cancel()


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job.execute()


class JobRunner(QObject):
    """Starts jobs on its own thread pool and keeps every live job referenced until it ends."""

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._live: dict[JobSignals, Job] = {}
        # Ended jobs stay referenced a while: the pool deletes each runnable on its worker
        # thread, and if that dropped the last reference, the job's QObject (which lives on the
        # UI thread) would be destroyed on the wrong thread, racing queued signal delivery.
        self._ended: deque[Job] = deque(maxlen=32)
        self._closed = False

    def start(self, job: Job) -> Job:
        """Run ``job`` (connect to its signals first); it stays referenced until it ends. After
        :meth:`shutdown` a job is not run: a queued signal (an index that ended, a file that
        changed) can still ask for a library refresh while the window closes, and that read
        would run on a store the engine is closing (a segfault in SQLite, seen in the tests)."""
        if self._closed:
            log.debug("job %r not started: the runner is shut down", job.name)
            return job
        self._live[job.signals] = job
        job.running = True
        # A bound method of a QObject: the connection is queued onto this (the UI) thread.
        # A lambda would run on the worker thread, as a context-free functor does in C++.
        job.signals.ended.connect(self._forget)
        self.pool.start(_Runnable(job))
        return job

    @property
    def live(self) -> list[Job]:
        return list(self._live.values())

    def cancel_all(self) -> None:
        for job in self.live:
            job.cancel()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything, refuse new jobs and wait for the threads; True when all of them
        stopped."""
        self._closed = True
        self.cancel_all()
        return bool(self.pool.waitForDone(timeout_ms))

    @Slot()
    def _forget(self) -> None:
        job = self._live.pop(self.sender(), None)  # type: ignore[call-overload]
        if job is not None:
            job.running = False
            self._ended.append(job)
