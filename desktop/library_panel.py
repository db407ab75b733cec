"""The library panel: collections and their files, with each file's indexing status.

The panel only displays :class:`DocumentInfo` rows and emits requests (re-index, remove,
open); the window turns requests into engine jobs.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sourcewise.core.types import DocumentInfo, RootFolder
from sourcewise.desktop.formatting import document_status, document_tooltip
from sourcewise.desktop.qt import (
    QAbstractItemView,
    QFont,
    QFrame,
    QHeaderView,
    QIcon,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPoint,
    QStackedWidget,
    QStyle,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from sourcewise.desktop.scope import ChatScope

EMPTY_HINT = "Drop folders here to index them\n\nor press Ctrl+O to choose a folder."
PATH_ROLE = Qt.ItemDataRole.UserRole
COLLECTION_ROLE = Qt.ItemDataRole.UserRole + 1
WATCH_TIP = ("Watch this folder: files added, changed or deleted in it are re-indexed "
             "automatically while Sourcewise runs")  # fmt: skip


class LibraryPanel(QWidget):
    reindex_requested = Signal(object, str)  # list[Path], collection
    remove_requested = Signal(object, str)  # list[Path], collection
    open_requested = Signal(str)
    watch_toggled = Signal(str, str, bool)  # collection, folder, watch
    scope_requested = Signal(object)  # ChatScope: chat with these documents or this folder

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>Library</b>")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Name", "Status"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemActivated.connect(self._activated)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setFrameShape(QFrame.Shape.StyledPanel)
        self.hint.setEnabled(False)  # muted text in both light and dark palettes
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(self.tree)
        self.folders_title = QLabel("<b>Folders</b> — tick to watch for changes")
        self.folders = QListWidget()
        self.folders.setToolTip(WATCH_TIP)
        self.folders.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.folders.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.folders.itemChanged.connect(self._folder_changed)
        self.folders.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.folders.customContextMenuRequested.connect(self._folder_menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.folders_title)
        layout.addWidget(self.folders)
        style = self.style()
        self._icons = {
            "indexed": style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
            "pending": style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload),
            "failed": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            "folder": style.standardIcon(QStyle.StandardPixmap.SP_DirIcon),
        }
        self.documents: list[DocumentInfo] = []
        self.set_documents([])
        self.set_roots([])

    # -- contents ----------------------------------------------------------------------------
    def set_documents(self, docs: list[DocumentInfo]) -> None:
        self.documents = list(docs)
        self.hint.setText(EMPTY_HINT)
        collapsed = self._collapsed_collections()
        scroll = self.tree.verticalScrollBar().value()  # kept across live refreshes
        self.tree.clear()
        by_collection: dict[str, list[DocumentInfo]] = defaultdict(list)
        for doc in docs:
            by_collection[doc.collection].append(doc)
        for name in sorted(by_collection):
            item = self._collection_item(name, by_collection[name])
            self.tree.addTopLevelItem(item)
            item.setExpanded(name not in collapsed)  # only takes effect once added
        self.stack.setCurrentWidget(self.tree if docs else self.hint)
        self.tree.verticalScrollBar().setValue(scroll)
        failed = sum(1 for d in docs if d.status not in ("indexed", "pending"))
        summary = f" — {len(docs)} files" + (f", {failed} failed" if failed else "") if docs else ""
        self.title.setText(f"<b>Library</b>{summary}")

    def set_roots(self, roots: list[RootFolder]) -> None:
        """The folders added to the library (collection, path, watched), each with a box."""
        self.folders.blockSignals(True)
        self.folders.clear()
        for collection, folder, watch in sorted(roots, key=lambda r: (r[1], r[0])):
            if not Path(folder).is_dir():
                continue  # files added one by one are not folders to watch
            label = folder if collection == "default" else f"{folder}  ({collection})"
            item = QListWidgetItem(self._icons["folder"], label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if watch else Qt.CheckState.Unchecked)
            item.setData(PATH_ROLE, folder)
            item.setData(COLLECTION_ROLE, collection)
            item.setToolTip(f"{folder}\n\n{WATCH_TIP}")
            self.folders.addItem(item)
        self.folders.blockSignals(False)
        count = self.folders.count()
        self.folders.setVisible(count > 0)
        self.folders_title.setVisible(count > 0)
        row = self.folders.sizeHintForRow(0) if count else 0
        self.folders.setFixedHeight(min(count, 4) * row + 2 * self.folders.frameWidth() + 2)

    def folder_item(self, folder: str) -> QListWidgetItem | None:
        for row in range(self.folders.count()):
            item = self.folders.item(row)
            if item is not None and item.data(PATH_ROLE) == folder:
                return item
        return None

    def _folder_changed(self, item: QListWidgetItem) -> None:
        watch = item.checkState() == Qt.CheckState.Checked
        self.watch_toggled.emit(str(item.data(COLLECTION_ROLE)), str(item.data(PATH_ROLE)), watch)

    def _collection_item(self, name: str, docs: list[DocumentInfo]) -> QTreeWidgetItem:
        top = QTreeWidgetItem([name, f"{len(docs)} files"])
        top.setIcon(0, self._icons["folder"])
        top.setData(0, COLLECTION_ROLE, name)
        font = QFont(top.font(0))
        font.setBold(True)
        top.setFont(0, font)
        root = _common_root([d.path for d in docs])
        for doc in docs:
            child = QTreeWidgetItem([_display_name(doc.path, root), document_status(doc)])
            child.setIcon(0, self._status_icon(doc.status))
            child.setData(0, PATH_ROLE, doc.path)
            child.setData(0, COLLECTION_ROLE, doc.collection)
            tip = document_tooltip(doc)
            child.setToolTip(0, tip)
            child.setToolTip(1, tip)
            top.addChild(child)
        return top

    def _status_icon(self, status: str) -> QIcon:
        if status in ("indexed", "pending"):
            return self._icons[status]
        return self._icons["failed"]

    def _collapsed_collections(self) -> set[str]:
        """Collections the user folded; everything else (new ones too) is shown expanded."""
        return {
            str(item.data(0, COLLECTION_ROLE))
            for i in range(self.tree.topLevelItemCount())
            if (item := self.tree.topLevelItem(i)) is not None and not item.isExpanded()
        }

    def file_items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is not None:
                items.extend(c for j in range(top.childCount()) if (c := top.child(j)) is not None)
        return items

    # -- requests ----------------------------------------------------------------------------
    def _selected(self) -> tuple[list[Path], str] | None:
        """Selected files (or whole collections' files) and their collection."""
        items = self.tree.selectedItems()
        if not items:
            return None
        collection = str(items[0].data(0, COLLECTION_ROLE))
        paths: list[Path] = []
        for item in items:
            if str(item.data(0, COLLECTION_ROLE)) != collection:
                continue  # one collection per request
            path = item.data(0, PATH_ROLE)
            if path:
                paths.append(Path(str(path)))
            else:
                paths.extend(Path(d.path) for d in self.documents if d.collection == collection)
        return (paths, collection) if paths else None

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is not None and not item.isSelected():
            self.tree.setCurrentItem(item)
        selected = self._selected()
        if selected is None:
            return
        paths, collection = selected
        menu = QMenu(self)
        label = f"{len(paths)} files" if len(paths) > 1 else paths[0].name
        chat_scope = self.scope_for(paths)
        scope = None
        if chat_scope is not None:
            n = len(chat_scope.filters.documents)
            scope = menu.addAction(f"Chat with {'this document' if n == 1 else f'these {n} files'}")
            menu.addSeparator()
        reindex = menu.addAction(f"Re-index {label}")
        remove = menu.addAction(f"Remove {label} from the index")
        opener = menu.addAction("Open in system viewer") if len(paths) == 1 else None
        chosen = menu.exec(self.tree.viewport().mapToGlobal(pos))
        if chosen is None:
            return
        if chosen == scope and chat_scope is not None:
            self.scope_requested.emit(chat_scope)
        elif chosen == reindex:
            self.reindex_requested.emit(paths, collection)
        elif chosen == remove:
            self.remove_requested.emit(paths, collection)
        elif chosen == opener:
            self.open_requested.emit(str(paths[0]))

    def scope_for(self, paths: list[Path]) -> ChatScope | None:
        """The chat scope of the selected files that are indexed (a failed file has nothing
        to chat with); None when none is."""
        indexed = {d.path for d in self.documents if d.status == "indexed"}
        chosen = [p for p in paths if str(p) in indexed]
        return ChatScope.documents(chosen) if chosen else None

    def _folder_menu(self, pos: QPoint) -> None:
        item = self.folders.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        ask = menu.addAction("Ask about this folder")
        if menu.exec(self.folders.viewport().mapToGlobal(pos)) == ask:
            self.scope_requested.emit(ChatScope.folder(Path(str(item.data(PATH_ROLE)))))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        path = item.data(0, PATH_ROLE)
        if path:
            self.open_requested.emit(str(path))


def _common_root(paths: list[str]) -> Path | None:
    parents = [Path(p).parent for p in paths]
    if not parents:
        return None
    root = parents[0]
    for parent in parents[1:]:
        while root != root.parent and not parent.is_relative_to(root):
            root = root.parent
    return root


def _display_name(path: str, root: Path | None) -> str:
    p = Path(path)
    if root is not None and p.is_relative_to(root):
        return str(p.relative_to(root))
    return p.name
