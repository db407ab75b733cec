"""Drag and drop of files and folders anywhere on the window, text boxes included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sourcewise.desktop.qt import QEvent, QMimeData, QObject, QWidget, Signal

_DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)


def local_paths(mime: QMimeData | None) -> list[Path]:
    """Local files and folders carried by a drag (URLs that are not local are ignored)."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class DropFilter(QObject):
    """An event filter for a window and all its children: a drag carrying local files is
    accepted wherever it is (a text box would otherwise take it as text) and emitted."""

    dropped = Signal(object)  # list[Path]
    hovering = Signal()

    def install(self, window: QWidget) -> None:
        window.setAcceptDrops(True)
        for widget in (window, *window.findChildren(QWidget)):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _DRAG_EVENTS and self._handle(event):
            return True
        return super().eventFilter(watched, event)

    def _handle(self, event: Any) -> bool:
        paths = local_paths(event.mimeData())
        if not paths:
            return False
        event.acceptProposedAction()
        if event.type() == QEvent.Type.Drop:
            self.dropped.emit(paths)
        else:
            self.hovering.emit()
        return True
