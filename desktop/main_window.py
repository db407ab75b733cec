"""The main window: library and chats | chat | sources in a splitter, indexing in the status bar.

The window is a thin client of the engine facade: every engine call runs as a
:class:`~sourcewise.desktop.workers.Job` on one worker thread (engine calls are serialised, as
Anki serialises collection access), and results come back as signals. The engine is injected
(tests pass one built with fakes) or built by a factory off the UI thread; the factory also
rebuilds it when settings that only a new engine picks up change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sourcewise.core.engine import Engine
from sourcewise.core.settings import Settings
from sourcewise.core.types import DocumentInfo, IndexReport, RootFolder
from sourcewise.desktop.assets import app_icon
from sourcewise.desktop.chat_panel import ChatPanel
from sourcewise.desktop.chat_session import ChatSession
from sourcewise.desktop.conversations_panel import ConversationsPanel
from sourcewise.desktop.drops import DropFilter
from sourcewise.desktop.engine_settings import EngineSettings
from sourcewise.desktop.index_bar import IndexBar
from sourcewise.desktop.indexing import IndexController
from sourcewise.desktop.library_panel import LibraryPanel
from sourcewise.desktop.menus import build_menus
from sourcewise.desktop.model_setup import ModelBanner
from sourcewise.desktop.open_path import open_source
from sourcewise.desktop.qt import (
    QCloseEvent,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from sourcewise.desktop.sources_panel import SourcesPanel
from sourcewise.desktop.watching import WatchController
from sourcewise.desktop.workers import Job, JobRunner

log = logging.getLogger(__name__)

DEFAULT_COLLECTION = "default"
READY_MESSAGE = "Ready"
INDEXING_MESSAGE = "Indexing: answers start when it is done"
EngineFactory = Callable[[Settings], Engine]


class MainWindow(QMainWindow):
    engine_ready = Signal()
    engine_failed = Signal(str)
    library_refreshed = Signal()
    indexing_progress = Signal(object)  # Progress
    indexing_finished = Signal(object)  # IndexReport, or None when the job failed
    answer_finished = Signal(object)  # Answer, or None when stopped or failed

    def __init__(self, engine: Engine | None = None, *, engine_factory: EngineFactory | None = None,
                 settings: Settings | None = None, config_file: Path | None = None,
                 sample_dir: Path | None = None) -> None:  # fmt: skip
        super().__init__()
        self.setWindowTitle("Sourcewise")
        self.setWindowIcon(app_icon())
        self.runner = JobRunner(max_threads=1, parent=self)  # the engine's calls, one at a time
        self.side_runner = JobRunner(max_threads=1, parent=self)  # model files: no index access
        # Chat writes wait for the index lock here (an IVF rebuild holds it), not on the UI thread.
        self.writer = JobRunner(max_threads=1, parent=self)
        self.engine: Engine | None = None
        self._owns_engine = engine is None
        self._sample_dir = sample_dir
        self._build_ui()
        first = engine.settings if engine is not None else settings
        assert first is not None or engine_factory is None, "a factory needs settings"
        self.config = EngineSettings(self, first, engine_factory, config_file)
        build_menus(self)
        if engine is not None:
            self.set_engine(engine)
        elif engine_factory is not None and first is not None:
            self.config.start(first)

    # -- layout ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.library = LibraryPanel()
        self.conversations = ConversationsPanel()
        self.left = QTabWidget()
        self.left.addTab(self.library, "Library")
        self.left.addTab(self.conversations, "Chats")
        self.chat = ChatPanel()
        self.sources = SourcesPanel()
        self.banner = ModelBanner(self.side_runner)
        center = QWidget()
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(self.chat, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for panel in (self.left, center, self.sources):
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
        self.indexer.started.connect(self._on_index_started)
        self.indexer.documents.connect(self._on_library)
        self.session = ChatSession(self.runner, self.chat, self.conversations, self.sources, self,
                                   writer=self.writer)  # fmt: skip
        self.session.answer_finished.connect(self.answer_finished)
        self.session.status.connect(self.statusBar().showMessage)
        self.watch = WatchController(self)
        self.watch.reindexed.connect(self._on_watch_report)
        self.watch.failed.connect(self._show_error)
        self.chat.set_ready(False)
        self.chat.ask_requested.connect(self.ask)
        self.library.reindex_requested.connect(self.reindex)
        self.library.remove_requested.connect(self.remove)
        self.library.open_requested.connect(self.open_file)
        self.library.watch_toggled.connect(self.set_watched)
        self.library.scope_requested.connect(self.session.set_scope)
        self.drops = DropFilter(self)
        self.drops.install(self)  # drops land anywhere, even on text boxes
        self.drops.dropped.connect(self.index_paths)
        self.drops.hovering.connect(self._on_drag_hover)
        self.resize(1280, 800)

    # -- jobs and the engine -------------------------------------------------------------------
    def _run(self, name: str, fn: Callable[[Job], Any], finished: Callable[[Any], None], *,
             failed: Callable[[str], None] | None = None) -> Job:  # fmt: skip
        job = Job(name, fn)
        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed or self._show_error)
        return self.runner.start(job)

    def set_engine(self, engine: Engine) -> None:
        if self.config.home is not None and engine.settings.home != self.config.home:
            self.chat.new_chat()  # the open conversation lives in the old data folder
            self.sources.clear()
        self.config.home = engine.settings.home
        self.engine = engine
        self.config.settings = engine.settings
        self.chat.set_ready(True)
        self.indexer.engine = engine
        self.session.engine = engine
        self.watch.engine = engine
        self.refresh_library(first_run=True)
        self.indexer.start_pending()
        self._show_ready()
        self.banner.check(engine)
        self._warm_up(engine)
        self.engine_ready.emit()

    def _warm_up(self, engine: Engine) -> None:
        """The models load on the side runner while the window is shown: a question asked
        meanwhile waits only for the rest of the load (the models' own locks), not for all
        of it after the click."""
        job = Job("load models", lambda _job: engine.models.warm_up())
        job.signals.failed.connect(self._warm_up_failed)
        self.side_runner.start(job)

    def _warm_up_failed(self, message: str) -> None:
        log.info("models not loaded ahead of the first question: %s", message)

    def _show_ready(self) -> None:
        """Say "Ready" only when nothing is being indexed (the index bar shows the rest)."""
        if self.indexer.running:
            self.statusBar().showMessage(INDEXING_MESSAGE, 5000)
        else:
            self.statusBar().showMessage(READY_MESSAGE, 3000)

    def _on_index_started(self) -> None:
        if self.statusBar().currentMessage() == READY_MESSAGE:
            self.statusBar().showMessage(INDEXING_MESSAGE, 5000)

    def release_engine(self) -> Engine | None:
        """Detach the engine (before it is closed or replaced): no new calls reach it."""
        engine, self.engine = self.engine, None
        self.watch.stop_all()
        self.chat.set_ready(False)
        self.indexer.engine = self.session.engine = self.watch.engine = None
        return engine

    def _show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    def show_startup_error(self, message: str) -> None:
        self.statusBar().showMessage("The engine could not start")
        self.engine_failed.emit(message)
        QMessageBox.critical(self, "Sourcewise could not start", message)

    # -- library -------------------------------------------------------------------------------
    def refresh_library(self, first_run: bool = False) -> None:
        engine = self.engine
        if engine is None:
            return
        handler = self._on_first_library if first_run else self._on_full_library
        self._run("library", lambda _job: (engine.library.documents(), engine.library.roots()),
                  handler)  # fmt: skip

    def _on_library(self, docs: list[DocumentInfo]) -> None:
        self.library.set_documents(docs)
        self.chat.set_library_empty(not docs)

    def _on_full_library(self, result: tuple[list[DocumentInfo], list[RootFolder]]) -> None:
        docs, roots = result
        self._on_library(docs)
        self.library.set_roots(roots)
        self.library_refreshed.emit()

    def _on_first_library(self, result: tuple[list[DocumentInfo], list[RootFolder]]) -> None:
        self._on_full_library(result)
        self.watch.start_saved(result[1])
        self.session.refresh_list()
        if not result[0] and self._sample_dir is not None and self._sample_dir.is_dir():
            self.index_paths([self._sample_dir], "sample")

    def remove(self, paths: list[Path], collection: str) -> None:
        engine = self.engine
        if engine is not None:
            self._run(
                "remove", lambda _job: engine.library.remove(paths, collection), self._on_removed
            )

    def _on_removed(self, count: int) -> None:
        self.statusBar().showMessage(f"Removed {count} file(s) from the index", 5000)
        self.refresh_library()

    def open_file(self, path: str) -> None:
        open_source(path)  # a message of an mbox opens its archive

    def set_watched(self, collection: str, folder: str, watch: bool) -> None:
        if self.watch.set_watched(collection, folder, watch):
            verb = "Watching" if watch else "Stopped watching"
            self.statusBar().showMessage(f"{verb} {folder}", 5000)
        else:
            self.refresh_library()  # untick a box that could not be honoured

    def _on_watch_report(self, report: IndexReport) -> None:
        if report.files_indexed or report.files_removed or report.files_failed:
            self.statusBar().showMessage(
                f"Watched folder changed: {report.files_indexed} new or changed, "
                f"{report.files_removed} removed, {report.files_failed} failed", 8000)  # fmt: skip
        self.refresh_library()

    # -- indexing ------------------------------------------------------------------------------
    def index_paths(self, paths: Sequence[Path], collection: str = DEFAULT_COLLECTION) -> None:
        """Index files and folders in a job; requests made while one runs wait their turn."""
        if not self.library.documents:
            self.library.hint.setText("Indexing…\n\nThe files appear here as they are indexed.")
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

    def _on_drag_hover(self) -> None:
        self.statusBar().showMessage("Drop to index these files and folders", 2000)

    # -- answering (the chat session does the work) --------------------------------------------
    def ask(self, question: str) -> None:
        if self.indexer.running:
            self.statusBar().showMessage("The answer starts when indexing finishes", 5000)
        self.session.ask(question)

    def stop_answer(self) -> None:
        self.session.stop()

    def show_sources(self, index: int) -> None:
        self.session.show_sources(index)

    def show_citation(self, index: int, n: int) -> None:
        self.session.show_citation(index, n)

    # -- shutdown ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.indexer.pending.clear()
        self.watch.stop_all()
        self.side_runner.shutdown(timeout_ms=5_000)
        self.runner.shutdown(timeout_ms=10_000)
        self.writer.pool.waitForDone(10_000)  # a rating being saved is not cancelled
        engine = self.release_engine() or self.config.applying  # detached while applying
        if self._owns_engine and engine is not None:
            engine.close()
        super().closeEvent(event)
