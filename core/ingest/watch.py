"""Watched folders: filesystem events (watchdog) trigger a debounced re-index of the folder.

Re-indexing a folder is cheap when little changed (size+mtime checks), so one rule covers
creations, edits, moves and deletions without tracking each event's meaning. The watcher is
handed the re-indexing call (the engine's ``index`` for one folder), so it depends on no engine.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sourcewise.core.progress import CancelToken
from sourcewise.core.types import IndexReport

DEBOUNCE_S = 1.5
log = logging.getLogger(__name__)


class FolderWatcher:
    def __init__(
        self,
        reindex: Callable[[Path], IndexReport],
        on_report: Callable[[IndexReport], None] | None = None,
        debounce_s: float = DEBOUNCE_S,
    ) -> None:
        self.reindex = reindex
        self.on_report = on_report or (lambda _r: None)
        self.debounce_s = debounce_s
        self._dirty: dict[Path, float] = {}
        self._lock = threading.Lock()
        self._stop = CancelToken()
        self._observer: Any = None
        self._thread: threading.Thread | None = None

    def start(self, folders: list[Path]) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class _Handler(FileSystemEventHandler):
            def __init__(self, root: Path) -> None:
                self.root = root

            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return  # reads do not change the index
                watcher.touch(self.root)

        self._observer = Observer()
        for folder in folders:
            root = folder.expanduser().resolve()
            self._observer.schedule(_Handler(root), str(root), recursive=True)
        self._observer.start()
        self._thread = threading.Thread(target=self._loop, name="sourcewise-watch", daemon=True)
        self._thread.start()

    def touch(self, root: Path) -> None:
        with self._lock:
            self._dirty[root] = time.monotonic()

    def _due(self) -> list[Path]:
        now = time.monotonic()
        with self._lock:
            due = [r for r, t in self._dirty.items() if now - t >= self.debounce_s]
            for r in due:
                del self._dirty[r]
        return due

    def _loop(self) -> None:
        while not self._stop.wait(0.25):
            for root in self._due():
                if not root.exists():
                    continue
                try:
                    self.on_report(self.reindex(root))
                except Exception:
                    log.exception("re-indexing watched folder %s failed", root)

    def stop(self) -> None:
        self._stop.cancel()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)
