"""The list of stored conversations (a tab beside the library): new, open, delete, export.

The panel only displays :class:`~sourcewise.core.types.ConversationInfo` rows and emits
requests; the chat controller reads and writes the chat store.
"""

from __future__ import annotations

import time

from sourcewise.core.types import ConversationInfo
from sourcewise.desktop.qt import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPoint,
    QPushButton,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

ID_ROLE = Qt.ItemDataRole.UserRole
EMPTY_HINT = "No conversations yet.\n\nAsk a question: it is saved here."


def when(ts: float, now: float | None = None) -> str:
    """``14:05`` today, ``Mon 14:05`` this week, else ``2024-05-03``."""
    now = time.time() if now is None else now
    t, today = time.localtime(ts), time.localtime(now)
    if t.tm_yday == today.tm_yday and t.tm_year == today.tm_year:
        return time.strftime("%H:%M", t)
    if 0 <= now - ts < 6 * 86400:
        return time.strftime("%a %H:%M", t)
    return time.strftime("%Y-%m-%d", t)


class ConversationsPanel(QWidget):
    open_requested = Signal(int)
    new_requested = Signal()
    delete_requested = Signal(int)
    export_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._clicked)
        self.list.currentItemChanged.connect(self._update_buttons)
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setFrameShape(QFrame.Shape.StyledPanel)
        self.hint.setEnabled(False)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(self.list)
        self.new_button = QPushButton("New chat")
        self.new_button.setToolTip("Start a new conversation (Ctrl+N)")
        self.new_button.clicked.connect(self.new_requested)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected conversation")
        self.delete_button.clicked.connect(self._delete_current)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the selected conversation as Markdown, with sources")
        self.export_button.clicked.connect(self._export_current)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.delete_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.conversations: list[ConversationInfo] = []
        self.set_conversations([])

    def set_conversations(self, convs: list[ConversationInfo], current: int | None = None) -> None:
        self.conversations = list(convs)
        self.list.blockSignals(True)
        self.list.clear()
        for conv in convs:
            item = QListWidgetItem(f"{conv.title or 'Untitled'}\n{when(conv.updated)} · "
                                   f"{conv.messages} message(s)")  # fmt: skip
            item.setData(ID_ROLE, conv.id)
            item.setToolTip(conv.title)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.stack.setCurrentWidget(self.list if convs else self.hint)
        self.select(current)

    def select(self, conversation_id: int | None) -> None:
        """Mark the open conversation (None: a new chat, nothing selected); emits nothing."""
        self.list.blockSignals(True)
        self.list.setCurrentRow(-1)
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.data(ID_ROLE) == conversation_id:
                self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._update_buttons()

    @property
    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(ID_ROLE))

    def _update_buttons(self) -> None:
        selected = self.current_id is not None
        self.delete_button.setEnabled(selected)
        self.export_button.setEnabled(selected)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(int(item.data(ID_ROLE)))

    def _delete_current(self) -> None:
        if self.current_id is not None:
            self.delete_requested.emit(self.current_id)

    def _export_current(self) -> None:
        if self.current_id is not None:
            self.export_requested.emit(self.current_id)

    def _context_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        self.list.setCurrentItem(item)
        conv_id = int(item.data(ID_ROLE))
        menu = QMenu(self)
        export = menu.addAction("Export as Markdown…")
        delete = menu.addAction("Delete")
        chosen = menu.exec(self.list.viewport().mapToGlobal(pos))
        if chosen == export:
            self.export_requested.emit(conv_id)
        elif chosen == delete:
            self.delete_requested.emit(conv_id)
