"""Settings for the window: the settings dialog, saving, and (re)building the engine.

Settings are saved with :func:`sourcewise.core.settings.save_settings` to the file the app
loads them from. Changes the running engine reads on each call (retrieval k, re-rank
candidates) apply at once; the others (chat model, adapter, device, threads, data folder)
need a new engine, which the factory builds on the worker thread after the old one closes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sourcewise.core.engine import Engine
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.settings import Settings, save_settings
from sourcewise.desktop import model_choices as mc
from sourcewise.desktop.qt import QMessageBox, QObject, Signal
from sourcewise.desktop.settings_dialog import SettingsDialog
from sourcewise.desktop.workers import Job

if TYPE_CHECKING:
    from sourcewise.desktop.main_window import MainWindow

EngineFactory = Callable[[Settings], Engine]


def default_factory(settings: Settings) -> Engine:
    from sourcewise.core.factory import build_engine

    return build_engine(settings)


class EngineSettings(QObject):
    dialog_opened = Signal(object)  # SettingsDialog
    applied = Signal(object)  # list[str]: the changed settings that rebuilt the engine

    def __init__(self, window: MainWindow, settings: Settings | None,
                 factory: EngineFactory | None, config_file: Path | None) -> None:  # fmt: skip
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.factory = factory or default_factory
        self._config_file = config_file
        self.discover_home: Path | None = None  # tests point model discovery at a fake home
        self.dialog: SettingsDialog | None = None
        self.building = False
        self.home: Path | None = None  # the running engine's data folder
        self._pending: Settings | None = None  # saved while an engine was being built

    @property
    def config_file(self) -> Path | None:
        """Where settings are saved: the file the app loaded them from, else inside the home."""
        if self._config_file is not None:
            return self._config_file
        return None if self.settings is None else self.settings.home / "settings.toml"

    # -- the engine ------------------------------------------------------------------------------
    def start(self, settings: Settings) -> None:
        self.settings = settings
        self.window.statusBar().showMessage("Starting the engine…")
        self._build(None, settings, self.window.show_startup_error)

    def _build(self, old: Engine | None, settings: Settings,
               failed: Callable[[str], None]) -> None:  # fmt: skip
        factory = self.factory
        self.building = True

        def work(_job: Job) -> Engine:
            if old is not None:
                old.close()
            return factory(settings)

        job = Job("start engine", work)
        job.signals.finished.connect(self._on_built)
        job.signals.failed.connect(failed)
        job.signals.ended.connect(self._on_build_ended)
        self.window.runner.start(job)

    def _on_built(self, engine: Engine) -> None:
        self.window._owns_engine = True  # built here, so closed by the window
        self.window.set_engine(engine)

    def _on_build_ended(self) -> None:
        self.building = False
        pending, self._pending = self._pending, None
        if pending is not None:
            self._build(self.window.release_engine(), pending, self._on_rebuild_failed)

    # -- the dialog ------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        """Find the models to offer (off the UI thread: it walks folders), then show the dialog."""
        settings = self.settings
        if settings is None or self.dialog is not None:
            return
        engine = self.window.engine
        models = engine.models if engine is not None else ModelStore(settings)
        home = self.discover_home
        self.window.statusBar().showMessage("Looking for models…", 3000)
        job = Job("model choices", lambda _job: mc.gather(models, settings, home))
        job.signals.finished.connect(self._show_dialog)
        job.signals.failed.connect(self._show_dialog_without_discovery)
        self.window.side_runner.start(job)

    def _show_dialog_without_discovery(self, message: str) -> None:
        self.window.statusBar().showMessage(f"Could not list the models: {message}", 8000)
        self._show_dialog(mc.ModelChoices())

    def _show_dialog(self, choices: mc.ModelChoices) -> None:
        if self.settings is None:
            return
        dialog = SettingsDialog(self.settings, choices, self.window)
        dialog.accepted.connect(lambda: self.apply(dialog.result_settings()))
        dialog.finished.connect(self._forget_dialog)
        self.dialog = dialog
        dialog.open()  # window-modal, without blocking the event loop
        self.dialog_opened.emit(dialog)

    def _forget_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def apply(self, new: Settings) -> list[str]:
        """Save ``new``; rebuild the engine when a setting it reads at start changed."""
        old = self.settings
        target = self.config_file
        if old is None or target is None:
            return []
        try:
            save_settings(new, target)
        except OSError as err:
            QMessageBox.warning(self.window, "Settings not saved",
                                f"Could not write {target}: {err}")  # fmt: skip
            return []
        self.settings = new
        changed = mc.engine_changes(old, new)
        engine = self.window.engine
        if not changed:
            if engine is not None:
                engine.settings = new  # read on every search and answer
            self.window.statusBar().showMessage(f"Settings saved to {target}", 5000)
            self.applied.emit(changed)
            return changed
        names = ", ".join(changed)
        self.window.statusBar().showMessage(
            f"Settings saved; restarting the engine for the new {names}…")  # fmt: skip
        if self.building:
            self._pending = new  # after the engine being built now
        else:
            self._build(self.window.release_engine(), new, self._on_rebuild_failed)
        self.applied.emit(changed)
        return changed

    def _on_rebuild_failed(self, message: str) -> None:
        self.window.statusBar().showMessage("The engine could not restart")
        QMessageBox.critical(self.window, "The engine could not restart",
                             f"{message}\n\nFix the setting in Settings (Ctrl+,).")  # fmt: skip
