"""The chat's scope: the whole library, one document, some files, or a folder.

Chosen from the library ("Chat with this document", "Ask about this folder") and shown above
the question box with a button back to the whole library. Every question of the chat is asked
within it (the engine filters inside retrieval, and summaries read the scoped documents whole).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from sourcewise.core.types import SearchFilters
from sourcewise.desktop.qt import QHBoxLayout, QLabel, QPushButton, QWidget, Signal


@dataclass(frozen=True)
class ChatScope:
    label: str  # shown to the user: "report.pdf", "3 files", "the folder Minutes"
    filters: SearchFilters

    @classmethod
    def documents(cls, paths: list[Path]) -> ChatScope:
        label = paths[0].name if len(paths) == 1 else f"{len(paths)} files"
        return cls(label, SearchFilters(documents=tuple(str(p) for p in paths)))

    @classmethod
    def folder(cls, folder: Path) -> ChatScope:
        return cls(f"the folder {folder.name or folder}", SearchFilters(folder=str(folder)))


class ScopeBar(QWidget):
    """ "Asking about report.pdf  [Whole library]"; hidden while the scope is the library."""

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.clear_button = QPushButton("Whole library")
        self.clear_button.setToolTip("Ask about every indexed document again")
        self.clear_button.clicked.connect(self.cleared)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clear_button)
        self.set_scope(None)

    def set_scope(self, scope: ChatScope | None) -> None:
        if scope is None:
            self.label.clear()
            self.setVisible(False)
            return
        self.label.setText(f"Asking about <b>{html.escape(scope.label)}</b> only")
        self.setToolTip("\n".join(scope.filters.documents) or scope.filters.folder or "")
        self.setVisible(True)
