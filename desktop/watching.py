"""Watched folders: an engine watch per folder whose "Watch" box is ticked.

The engine re-indexes a changed folder on the watch's own thread (the engine serialises
writers) and reports there; the report crosses to the UI thread as a queued signal. Whether a
folder is watched is kept with the folder in the index (:meth:`Engine.library.set_watched`), so
watching resumes when the app starts again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.types import IndexReport, RootFolder
from sourcewise.desktop.qt import QObject, Signal, Slot

log = logging.getLogger(__name__)
Root = tuple[str, str]  # collection, folder


class WatchController(QObject):
    reindexed = Signal(object)  # IndexReport, on the UI thread
    failed = Signal(str)
    _report = Signal(object)  # emitted on a watcher thread

    def __init__(self, parent: QObject | None = None, debounce_s: float | None = None) -> None:
        super().__init__(parent)
        self.engine: Engine | None = None
        self.debounce_s = debounce_s  # None: the engine's default quiet time
        self._stops: dict[Root, Callable[[], None]] = {}  # each watch's stop function
        # A bound method of a QObject: queued onto this object's (the UI) thread.
        self._report.connect(self._deliver)

    @property
    def watched(self) -> set[Root]:
        return set(self._stops)

    def start_saved(self, roots: list[RootFolder]) -> None:
        """Start watching the roots whose flag is set (after the engine starts)."""
        for collection, folder, watch in roots:
            if watch and Path(folder).is_dir():
                self._start((collection, folder))

    def set_watched(self, collection: str, folder: str, watch: bool) -> bool:
        """Start or stop watching ``folder``, and remember the choice; False if it failed."""
        engine = self.engine
        if engine is None:
            return False
        root = (collection, folder)
        if watch and not self._start(root):
            return False
        if not watch:
            self._stop(root)
        engine.library.set_watched(collection, folder, watch)
        return True

    def _start(self, root: Root) -> bool:
        if root in self._stops or self.engine is None:
            return root in self._stops
        try:
            stop = self.engine.library.watch(root[0], [Path(root[1])], self._report.emit,
                                     debounce_s=self.debounce_s)  # fmt: skip
        except OSError as err:  # gone, unreadable, or out of inotify watches
            self.failed.emit(f"Cannot watch {root[1]}: {err}")
            return False
        self._stops[root] = stop
        log.info("watching %s (%s)", root[1], root[0])
        return True

    def _stop(self, root: Root) -> None:
        stop = self._stops.pop(root, None)
        if stop is not None:
            stop()

    def stop_all(self) -> None:
        """Stop every watch (before the engine closes or is replaced)."""
        for root in list(self._stops):
            self._stop(root)

    @Slot(object)
    def _deliver(self, report: IndexReport) -> None:
        self.reindexed.emit(report)
