"""Settings for the window: the settings dialog, saving, and applying them to the engine.

Settings are saved with :func:`sourcewise.core.settings.save_settings` to the file the app
loads them from (values that came from the environment stay out of it). The running engine
applies them with :meth:`Engine.apply_settings`, which rebuilds exactly the parts whose
settings changed: at once when only the searcher is rebuilt (cheap, no lock), otherwise as
a job on the engine's worker thread, with the engine detached from the window meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sourcewise.core.engine import Engine
from sourcewise.core.model_catalog import ModelCatalog
from sourcewise.core.settings import Settings, changed_fields, save_settings
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
        self._settings: Settings | None = None
        self.settings = settings
        self.factory = factory or default_factory
        self._config_file = config_file
        self.discover_home: Path | None = None  # tests point model discovery at a fake home
        self.dialog: SettingsDialog | None = None
        self.building = False
        self.home: Path | None = None  # the running engine's data folder
        self._pending: Settings | None = None  # saved while the engine was being built
        self._applying: Engine | None = None  # detached while new settings are applied

    @property
    def settings(self) -> Settings | None:
        return self._settings

    @settings.setter
    def settings(self, settings: Settings | None) -> None:
        """The app's own settings apply at once, whatever the engine does with the rest."""
        self._settings = settings
        if settings is not None:
            self.window.chat.set_send_key(settings.desktop.send_key)

    @property
    def applying(self) -> Engine | None:
        """The engine while new settings are applied to it (detached from the window)."""
        return self._applying

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
        self._build(settings, self.window.show_startup_error)

    def _build(self, settings: Settings, failed: Callable[[str], None]) -> None:
        factory = self.factory
        self.building = True
        job = Job("start engine", lambda _job: factory(settings))
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
        if pending is None:
            return
        engine = self.window.engine
        if engine is None:  # it could not start: try again with the new settings
            self._build(pending, self._on_rebuild_failed)
        else:
            self._apply_to(engine, pending)

    # -- the dialog ------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        """Find the models to offer (off the UI thread: it walks folders), then show the dialog."""
        settings = self.settings
        if settings is None or self.dialog is not None:
            return
        engine = self.window.engine
        models = ModelCatalog(engine.settings if engine is not None else settings)
        home = self.discover_home
        self.window.statusBar().showMessage("Looking for models…", 3000)
        job = Job("model choices", lambda _job: mc.gather(models, home))
        job.signals.finished.connect(self._show_dialog)
        job.signals.failed.connect(self._show_dialog_without_discovery)
        self.window.side_runner.start(job)

    def _show_dialog_without_discovery(self, message: str) -> None:
        self.window.statusBar().showMessage(f"Could not list the models: {message}", 8000)
        self._show_dialog(mc.ModelChoices())

    def _show_dialog(self, choices: mc.ModelChoices) -> None:
        if self.settings is None:
            return
        engine = self.window.engine
        models = ModelCatalog(engine.settings if engine is not None else self.settings)
        dialog = SettingsDialog(self.settings, choices, self.window, models=models,
                                runner=self.window.side_runner)  # fmt: skip
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
        """Save ``new`` and apply it to the engine; returns the changed settings that rebuild
        a part of it (empty when everything applies on the next call)."""
        old = self.settings
        target = self.config_file
        if old is None or target is None:
            return []
        try:
            save_settings(new, target, changed=changed_fields(old, new))
        except OSError as err:
            QMessageBox.warning(self.window, "Settings not saved",
                                f"Could not write {target}: {err}")  # fmt: skip
            return []
        self.settings = new
        changed = mc.engine_changes(old, new)
        engine = self.window.engine
        if self.building or self._applying is not None:
            self._pending = new  # applied once the engine being built or changed is back
        elif engine is None:  # it could not start: try again with the new settings
            self._build(new, self._on_rebuild_failed)
        elif engine.apply_settings(new, dry_run=True) <= {"searcher"}:
            engine.apply_settings(new)  # cheap and lock-free: the next search uses it
            self.window.statusBar().showMessage(f"Settings saved to {target}", 5000)
        else:
            self._apply_to(engine, new)
        self.applied.emit(changed)
        return changed

    def _apply_to(self, engine: Engine, new: Settings) -> None:
        """Rebuild the engine's changed parts on the worker thread (after a running job);
        the window is detached from it meanwhile and gets it back when done."""
        parts = ", ".join(sorted(engine.apply_settings(new, dry_run=True)))
        self.window.statusBar().showMessage(f"Settings saved; reloading the {parts}…")
        self.window.release_engine()

        self._applying = engine

        def work(_job: Job) -> Engine:
            engine.apply_settings(new)
            return engine

        job = Job("apply settings", work)
        # Bound methods of QObjects: the connections are queued onto the UI thread.
        job.signals.finished.connect(self._on_applied)
        job.signals.failed.connect(self._on_apply_failed)
        self.window.runner.start(job)

    def _on_applied(self, engine: Engine) -> None:
        self._applying = None
        self.window.set_engine(engine)
        pending, self._pending = self._pending, None
        if pending is not None:
            self._apply_to(engine, pending)

    def _on_apply_failed(self, message: str) -> None:
        engine, self._applying = self._applying, None
        if engine is not None:
            self._on_applied(engine)  # as it was: apply_settings replaced nothing
        self._on_rebuild_failed(message)

    def _on_rebuild_failed(self, message: str) -> None:
        self.window.statusBar().showMessage("The engine could not restart")
        QMessageBox.critical(self.window, "The engine could not restart",
                             f"{message}\n\nFix the setting in Settings (Ctrl+,).")  # fmt: skip
