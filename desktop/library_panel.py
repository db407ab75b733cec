"""The library panel: collections, their folders and files as a tree with a filter box, each
file with its indexing status; and the folders added to the library, each with a watch box.

The panel only displays :class:`DocumentInfo` rows and emits requests (re-index, remove,
open, chat scope); the window turns requests into engine jobs. The tree is a model/view pair
(:mod:`.library_tree`), so 10,000 files cost no widget per row.
"""

from __future__ import annotations

import os
from pathlib import Path

from sourcewise.core.types import DocumentInfo, RootFolder
from sourcewise.desktop.library_tree import (
    COLLECTION_ROLE,
    FOLDER_ROLE,
    KEY_ROLE,
    PATH_ROLE,
    FileRow,
    TreeBuilder,
    file_rows,
    filter_model,
)
from sourcewise.desktop.qt import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QModelIndex,
    QPoint,
    QStackedWidget,
    QStandardItemModel,
    QStyle,
    Qt,
    QTimer,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from sourcewise.desktop.scope import ChatScope

EMPTY_HINT = "Drop folders here to index them\n\nor press Ctrl+O to choose a folder."
WATCH_TIP = ("Watch this folder: files added, changed or deleted in it are re-indexed "
             "automatically while Sourcewise runs")  # fmt: skip
FILTER_DELAY_MS = 150  # typing a word filters once, not once a letter
OPEN_FOLDERS_UP_TO = 500  # files: a small library shows every folder open, a large one closed


class LibraryPanel(QWidget):
    reindex_requested = Signal(object, str)  # list[Path], collection
    remove_requested = Signal(object, str)  # list[Path], collection
    open_requested = Signal(str)
    watch_toggled = Signal(str, str, bool)  # collection, folder, watch
    scope_requested = Signal(object)  # ChatScope: chat with these documents or this folder

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>Library</b>")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by file or folder name")
        self.filter.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(lambda _text: self._filter_timer.start())
        self.proxy = filter_model()
        self.proxy.setParent(self)
        self.source = QStandardItemModel(self)
        self.proxy.setSourceModel(self.source)
        self.tree = self._make_tree()
        self._status_width: int | None = None
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
        layout.addWidget(self.filter)
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
        self._builder = TreeBuilder(self._icons)
        self._open: dict[str, bool] = {}  # folder and collection rows the user opened or closed
        self._restoring = False  # expanding rows ourselves: not the user's choice
        self.documents: list[DocumentInfo] = []
        self.set_documents([])
        self.set_roots([])

    def _make_tree(self) -> QTreeView:
        tree = QTreeView()
        tree.setModel(self.proxy)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._context_menu)
        tree.activated.connect(self._activated)
        tree.setUniformRowHeights(True)  # lets the view skip measuring 10,000 rows
        tree.expanded.connect(lambda index: self._remember(index, True))
        tree.collapsed.connect(lambda index: self._remember(index, False))
        tree.setIndentation(14)  # deep folders leave room for the names
        tree.header().setStretchLastSection(False)
        return tree

    def _size_columns(self) -> None:
        """Names take the room; the status column has a fixed width, as measuring 10,000
        rows' contents would cost. Again after each new model: a reset forgets the modes."""
        header = self.tree.header()
        if header.count() < 2:
            return
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        if self._status_width is None:
            widest = self.tree.fontMetrics().horizontalAdvance("00000 files")
            self._status_width = widest + self.tree.iconSize().width() + 24
        header.resizeSection(1, self._status_width)

    # -- contents ----------------------------------------------------------------------------
    def set_documents(self, docs: list[DocumentInfo]) -> None:
        if docs == self.documents and self.source.rowCount():
            return  # a live refresh with nothing new: keep the rows, selection and all
        self.hint.setText(EMPTY_HINT)
        self.documents = list(docs)
        scroll = self.tree.verticalScrollBar().value()  # kept across live refreshes
        old, self.source = self.source, self._builder.model(self.documents)
        self.source.setParent(self)
        self.proxy.setSourceModel(self.source)
        old.deleteLater()
        self._size_columns()
        self._restore_open()
        self._show_rows()
        self.filter.setVisible(bool(docs))
        self.tree.verticalScrollBar().setValue(scroll)
        failed = sum(1 for d in docs if d.status not in ("indexed", "pending"))
        summary = f" — {len(docs)} files" + (f", {failed} failed" if failed else "") if docs else ""
        self.title.setText(f"<b>Library</b>{summary}")

    def apply_filter(self) -> None:
        """Show the rows whose name holds the filter text (with their folders), all open."""
        self._filter_timer.stop()
        text = self.filter.text().strip()
        self.proxy.setFilterFixedString(text)
        self._restore_open()
        self._show_rows()

    def _show_rows(self) -> None:
        """The tree, or the hint: no files yet, or none the filter lets through."""
        no_match = bool(self.documents) and not self.proxy.rowCount()
        if no_match:
            self.hint.setText(f"No file or folder name holds “{self.filter.text().strip()}”.")
        self.stack.setCurrentWidget(self.tree if self.documents and not no_match else self.hint)

    def _restore_open(self) -> None:
        """Open rows as the user left them; new ones: collections open, folders open in a
        small library. While filtering, every row that is left is open."""
        self._restoring = True
        try:
            if self.proxy.filterRegularExpression().pattern():
                self.tree.expandAll()
                return
            folders_open = len(self.documents) <= OPEN_FOLDERS_UP_TO
            for item in self._builder.branches:  # not the files: 10,000 rows to skip
                key = str(item.data(KEY_ROLE))
                default = folders_open or key.startswith("c")
                index = self.proxy.mapFromSource(item.index())
                self.tree.setExpanded(index, self._open.get(key, default))
        finally:
            self._restoring = False

    def _remember(self, index: QModelIndex, is_open: bool) -> None:
        key = index.data(KEY_ROLE)
        if key and not self._restoring and not self.proxy.filterRegularExpression().pattern():
            self._open[str(key)] = is_open

    def file_items(self) -> list[FileRow]:
        """Every file row of the library, filtered or not."""
        return file_rows(self.source)

    def visible_files(self) -> list[FileRow]:
        """The file rows the filter lets through."""
        return file_rows(self.proxy)

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

    # -- requests ----------------------------------------------------------------------------
    def selected_files(self) -> tuple[list[Path], str] | None:
        """Selected files (or the files of selected folders and collections) and their
        collection: the first selected row's; rows of other collections are left out."""
        rows = self.tree.selectionModel().selectedRows(0)
        if not rows:
            return None
        collection = str(rows[0].data(COLLECTION_ROLE))
        paths: dict[str, None] = {}  # ordered, each once (a file and its folder both selected)
        for index in rows:
            if str(index.data(COLLECTION_ROLE)) == collection:
                paths.update(dict.fromkeys(self._files_of(index, collection)))
        return ([Path(p) for p in paths], collection) if paths else None

    def _files_of(self, index: QModelIndex, collection: str) -> list[str]:
        path = index.data(PATH_ROLE)
        if path:
            return [str(path)]
        folder = index.data(FOLDER_ROLE)
        docs = [d for d in self.documents if d.collection == collection]
        if not folder:
            return [d.path for d in docs]  # a collection row: all of it
        prefix = os.path.join(str(folder), "")  # "/a/b/": not "/a/bc"
        return [d.path for d in docs if d.path.startswith(prefix)]

    def _context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if index.isValid() and not self.tree.selectionModel().isSelected(index):
            self.tree.setCurrentIndex(index)
        selected = self.selected_files()
        if selected is None:
            return
        paths, collection = selected
        menu = QMenu(self)
        label = f"{len(paths)} files" if len(paths) > 1 else paths[0].name
        folder = self._single_folder()
        ask = menu.addAction("Ask about this folder") if folder is not None else None
        chat_scope = self.scope_for(paths)
        scope = None
        if chat_scope is not None:
            n = len(chat_scope.filters.documents)
            scope = menu.addAction(f"Chat with {'this document' if n == 1 else f'these {n} files'}")
        if ask is not None or scope is not None:
            menu.addSeparator()
        reindex = menu.addAction(f"Re-index {label}")
        remove = menu.addAction(f"Remove {label} from the index")
        opener = menu.addAction("Open in system viewer") if len(paths) == 1 else None
        chosen = menu.exec(self.tree.viewport().mapToGlobal(pos))
        if chosen is None:
            return
        if chosen == ask and folder is not None:
            self.scope_requested.emit(ChatScope.folder(Path(folder)))
        elif chosen == scope and chat_scope is not None:
            self.scope_requested.emit(chat_scope)
        elif chosen == reindex:
            self.reindex_requested.emit(paths, collection)
        elif chosen == remove:
            self.remove_requested.emit(paths, collection)
        elif chosen == opener:
            self.open_requested.emit(str(paths[0]))

    def _single_folder(self) -> str | None:
        """The folder of the one selected folder row, if that is what is selected."""
        rows = self.tree.selectionModel().selectedRows(0)
        folder = rows[0].data(FOLDER_ROLE) if len(rows) == 1 else None
        return str(folder) if folder else None

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

    def _activated(self, index: QModelIndex) -> None:
        path = index.siblingAtColumn(0).data(PATH_ROLE)
        if path:
            self.open_requested.emit(str(path))
