"""The main window: library | chat | sources in a splitter, with indexing in the status bar.

The window is a thin client of the engine facade: every engine call runs as a
:class:`~sourcewise.desktop.workers.Job` on one worker thread (engine calls are serialised, as
Anki serialises collection access), and results come back as signals. The engine is injected
(tests pass one built with fakes) or built by a factory off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sourcewise.core.engine import Engine
from sourcewise.core.types import Answer, DocumentInfo, IndexReport
from sourcewise.desktop.assets import app_icon
from sourcewise.desktop.chat_panel import ChatPanel
from sourcewise.desktop.drops import DropFilter, local_paths
from sourcewise.desktop.index_bar import IndexBar
from sourcewise.desktop.indexing import IndexController
from sourcewise.desktop.library_panel import LibraryPanel
from sourcewise.desktop.qt import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QFileDialog,
    QKeySequence,
    QMainWindow,
    QMessageBox,
    QMimeData,
    QSplitter,
    Qt,
    QUrl,
    Signal,
)
from sourcewise.desktop.sources_panel import SourceItem, SourcesPanel
from sourcewise.desktop.workers import Job, JobRunner

DEFAULT_COLLECTION = "default"


class MainWindow(QMainWindow):
    engine_ready = Signal()
    library_refreshed = Signal()
    indexing_progress = Signal(object)  # Progress
    indexing_finished = Signal(object)  # IndexReport, or None when the job failed
    answer_finished = Signal(object)  # Answer, or None when stopped or failed

    def __init__(
        self,
        engine: Engine | None = None,
        *,
        engine_factory: Callable[[], Engine] | None = None,
        sample_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Sourcewise")
        self.setWindowIcon(app_icon())
        self.runner = JobRunner(max_threads=1, parent=self)
        self.engine: Engine | None = None
        self._owns_engine = engine is None
        self._sample_dir = sample_dir
        self._ask_job: Job | None = None
        self._build_ui()
        self._build_actions()
        if engine is not None:
            self.set_engine(engine)
        elif engine_factory is not None:
            self.statusBar().showMessage("Starting the engine…")
            self._run("start engine", lambda _job: engine_factory(), self.set_engine,
                      failed=self._on_engine_failed)  # fmt: skip

    # -- layout ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.library = LibraryPanel()
        self.chat = ChatPanel()
        self.sources = SourcesPanel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for panel in (self.library, self.chat, self.sources):
            self.splitter.addWidget(panel)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 620, 460])
        self.setCentralWidget(self.splitter)
        self.index_bar = IndexBar()
        self.statusBar().addPermanentWidget(self.index_bar)
        self.indexer = IndexController(self.runner, self.index_bar, parent=self)
        self.indexer.progress.connect(self.indexing_progress)
        self.indexer.finished.connect(self._on_index_done)
        self.indexer.queued.connect(self._on_index_queued)
        self.chat.set_ready(False)
        self.chat.ask_requested.connect(self.ask)
        self.chat.stop_requested.connect(self.stop_answer)
        self.chat.citation_clicked.connect(self.show_citation)
        self.library.reindex_requested.connect(self.reindex)
        self.library.remove_requested.connect(self.remove)
        self.library.open_requested.connect(self.open_file)
        self.drops = DropFilter(self)
        self.drops.install(self)  # drops land anywhere, even on text boxes
        self.drops.dropped.connect(self.index_paths)
        self.drops.hovering.connect(self._on_drag_hover)
        self.resize(1280, 800)

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Add folder…", self.choose_folder, QKeySequence("Ctrl+O"))
        self._action(file_menu, "Add &files…", self.choose_files)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence("Ctrl+Q"))
        chat_menu = self.menuBar().addMenu("&Chat")
        self._action(chat_menu, "&New chat", self.chat.new_chat, QKeySequence("Ctrl+N"))
        self._action(chat_menu, "&Ask", self.chat.focus_question, QKeySequence("Ctrl+F"))
        send = self._action(chat_menu, "&Send", self.chat.submit, QKeySequence("Ctrl+Return"))
        send.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self._action(chat_menu, "S&top", self.stop_answer, QKeySequence("Esc"))
        self._action(chat_menu, "&Copy answer", self.chat.copy_answer)

    def _action(
        self, menu: Any, text: str, slot: Callable[[], Any], key: QKeySequence | None = None
    ) -> QAction:
        action = QAction(text, self)
        if key is not None:
            action.setShortcut(key)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- jobs ----------------------------------------------------------------------------------
    def _run(self, name: str, fn: Callable[[Job], Any], finished: Callable[[Any], None], *,
             failed: Callable[[str], None] | None = None) -> Job:  # fmt: skip
        job = Job(name, fn)
        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed or self._show_error)
        return self.runner.start(job)

    def set_engine(self, engine: Engine) -> None:
        self.engine = engine
        self.statusBar().showMessage("Ready", 3000)
        self.chat.set_ready(True)
        self.indexer.engine = engine
        self.refresh_library(first_run=True)
        self.indexer.start_pending()
        self.engine_ready.emit()

    def _on_engine_failed(self, message: str) -> None:
        self.statusBar().showMessage("The engine could not start")
        QMessageBox.critical(self, "Sourcewise could not start", message)

    def _show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    # -- library -------------------------------------------------------------------------------
    def refresh_library(self, first_run: bool = False) -> None:
        engine = self.engine
        if engine is None:
            return
        handler = self._on_first_library if first_run else self._on_library
        self._run("library", lambda _job: engine.documents(), handler)

    def _on_library(self, docs: list[DocumentInfo]) -> None:
        self.library.set_documents(docs)
        self.chat.set_library_empty(not docs)
        self.library_refreshed.emit()

    def _on_first_library(self, docs: list[DocumentInfo]) -> None:
        self._on_library(docs)
        if not docs and self._sample_dir is not None and self._sample_dir.is_dir():
            self.index_paths([self._sample_dir], "sample")

    def remove(self, paths: list[Path], collection: str) -> None:
        engine = self.engine
        if engine is not None:
            self._run("remove", lambda _job: engine.remove(paths, collection), self._on_removed)

    def _on_removed(self, count: int) -> None:
        self.statusBar().showMessage(f"Removed {count} file(s) from the index", 5000)
        self.refresh_library()

    def open_file(self, path: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    # -- indexing ------------------------------------------------------------------------------
    def index_paths(self, paths: Sequence[Path], collection: str = DEFAULT_COLLECTION) -> None:
        """Index files and folders in a job; requests made while one runs wait their turn."""
        if not self.library.documents:
            self.library.hint.setText("Indexing…\n\nThe files appear here when it is done.")
            self.chat.set_library_empty(True, "Indexing your documents: ask as soon as it is done.")
        self.indexer.index(paths, collection)

    def reindex(self, paths: list[Path], collection: str) -> None:
        self.indexer.index(paths, collection, force=True)

    def cancel_indexing(self) -> None:
        self.indexer.cancel()

    def _on_index_queued(self, count: int) -> None:
        self.statusBar().showMessage(f"{count} indexing request(s) waiting their turn", 5000)

    def _on_index_done(self, report: IndexReport | None) -> None:
        self.refresh_library()
        self.indexing_finished.emit(report)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to the library")
        if folder:
            self.index_paths([Path(folder)])

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add files to the library")
        if files:
            self.index_paths([Path(f) for f in files])

    def handle_drop(self, mime: QMimeData) -> bool:
        """Index what a drop carries (the drop filter calls :meth:`index_paths` directly)."""
        paths = local_paths(mime)
        if paths:
            self.index_paths(paths)
        return bool(paths)

    def _on_drag_hover(self) -> None:
        self.statusBar().showMessage("Drop to index these files and folders", 2000)

    # -- answering -----------------------------------------------------------------------------
    def ask(self, question: str) -> None:
        engine = self.engine
        if engine is None or self._ask_job is not None:
            return
        history = self.chat.conversation.history()
        self.chat.begin_answer(question)
        job = Job("answer", lambda j: engine.ask(question, history=history,
                                                 on_token=j.emit_token, cancel=j.cancel_token))  # fmt: skip
        job.signals.token.connect(self.chat.append_token)
        job.signals.finished.connect(self._on_answer)
        job.signals.cancelled.connect(self._on_answer_stopped)
        job.signals.failed.connect(self._on_answer_failed)
        self._ask_job = job
        if self.indexer.running:
            self.statusBar().showMessage("The answer starts when indexing finishes", 5000)
        self.runner.start(job)

    def stop_answer(self) -> None:
        if self._ask_job is not None:
            self._ask_job.cancel()

    def _on_answer(self, answer: Answer) -> None:
        self._ask_job = None
        self.chat.finish_answer(answer)
        self.show_sources(len(self.chat.conversation.exchanges) - 1)
        if self.sources.items:
            self.sources.select(self.sources.items[0].n)
        self.answer_finished.emit(answer)

    def _on_answer_stopped(self) -> None:
        self._ask_job = None
        self.chat.stop_answer()
        self.answer_finished.emit(None)

    def _on_answer_failed(self, message: str) -> None:
        self._ask_job = None
        self.chat.fail_answer(message)
        self.answer_finished.emit(None)

    def show_sources(self, index: int) -> None:
        """Show the sources of answer ``index``: its citations, or the nearest passages."""
        exchanges = self.chat.conversation.exchanges
        if not 0 <= index < len(exchanges):
            return
        ex = exchanges[index]
        if ex.citations:
            items = [SourceItem.from_citation(c) for c in ex.citations]
            self.sources.set_sources(items, key=index)
        elif ex.nearest:
            items = [SourceItem.from_hit(h) for h in ex.nearest]
            self.sources.set_sources(items, key=index, title="Nearest passages")
        else:
            self.sources.set_sources([], key=index, empty_text="This answer cites no sources.")

    def show_citation(self, index: int, n: int) -> None:
        if self.sources.key != index:
            self.show_sources(index)
        self.sources.select(n)

    # -- shutdown ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.indexer.pending.clear()
        self.runner.shutdown(timeout_ms=10_000)
        if self._owns_engine and self.engine is not None:
            self.engine.close()
            self.engine = None
        super().closeEvent(event)
