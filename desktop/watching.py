"""Watched folders: a :class:`FolderWatcher` per folder whose "Watch" box is ticked.

The watcher re-indexes a changed folder on its own thread (the engine serialises writers),
and reports there; the report crosses to the UI thread as a queued signal. Whether a folder
is watched is kept with the folder in the index (the ``watch`` flag of its root), so watching
resumes when the app starts again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.ingest.watch import DEBOUNCE_S, FolderWatcher
from sourcewise.core.types import IndexReport
from sourcewise.desktop.qt import QObject, Signal, Slot

log = logging.getLogger(__name__)
Root = tuple[str, str]  # collection, folder


def set_watch_flag(engine: Engine, collection: str, folder: str, watch: bool) -> None:
    """Record whether a root folder is watched."""
    engine.index_store.set_watch(collection, folder, watch)


class WatchController(QObject):
    reindexed = Signal(object)  # IndexReport, on the UI thread
    failed = Signal(str)
    _report = Signal(object)  # emitted on a watcher thread

    def __init__(self, parent: QObject | None = None, debounce_s: float = DEBOUNCE_S) -> None:
        super().__init__(parent)
        self.engine: Engine | None = None
        self.debounce_s = debounce_s
        self.watchers: dict[Root, FolderWatcher] = {}
        # A bound method of a QObject: queued onto this object's (the UI) thread.
        self._report.connect(self._deliver)

    @property
    def watched(self) -> set[Root]:
        return set(self.watchers)

    def start_saved(self, roots: list[tuple[str, str, bool]]) -> None:
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
        set_watch_flag(engine, collection, folder, watch)
        return True

    def _start(self, root: Root) -> bool:
        if root in self.watchers or self.engine is None:
            return root in self.watchers
        watcher = FolderWatcher(self.engine, root[0], on_report=self._report.emit,
                                debounce_s=self.debounce_s)  # fmt: skip
        try:
            watcher.start([Path(root[1])])
        except OSError as err:  # gone, unreadable, or out of inotify watches
            watcher.stop()
            self.failed.emit(f"Cannot watch {root[1]}: {err}")
            return False
        self.watchers[root] = watcher
        log.info("watching %s (%s)", root[1], root[0])
        return True

    def _stop(self, root: Root) -> None:
        watcher = self.watchers.pop(root, None)
        if watcher is not None:
            watcher.stop()

    def stop_all(self) -> None:
        """Stop every watcher (before the engine closes or is replaced)."""
        for root in list(self.watchers):
            self._stop(root)

    @Slot(object)
    def _deliver(self, report: IndexReport) -> None:
        self.reindexed.emit(report)
