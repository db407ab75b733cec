"""First run: a banner offering to install the default models when the engine needs missing ones.

Model files are never bundled with the app. The install (``ModelCatalog.install_many`` of the
default models and any other the engine needs, such as a chosen chat model: download, assemble,
verify) runs as a job on its own thread, since it does not touch the index, with progress in the
banner and a Cancel button.
"""

from __future__ import annotations

from sourcewise.core.engine import Engine
from sourcewise.core.model_catalog import ModelCatalog
from sourcewise.core.progress import Progress
from sourcewise.core.types import ModelInfo
from sourcewise.desktop.formatting import size
from sourcewise.desktop.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
    Signal,
)
from sourcewise.desktop.workers import Job, JobRunner


def install_job(models: ModelCatalog, name: str) -> Job:
    """A job installing one manifest model (download, assemble, verify), with progress;
    start it on a runner that does not touch the index."""
    return Job(f"install {name}", lambda j: models.install(
        name, progress=j.report_progress, cancel=j.cancel_token))  # fmt: skip


def install_text(p: Progress) -> str:
    if p.stage == "download":
        return f"Downloading… {p.message}".strip()
    if p.stage in ("assemble", "check"):
        pct = f" {100 * (p.fraction or 0):.0f}%" if p.total else ""
        return f"Installing{pct}: {p.message}".strip()
    return p.message or p.stage


class ModelBanner(QFrame):
    """ "Sourcewise needs models that are not installed yet. [Install] [Later]"."""

    installed = Signal()

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.engine: Engine | None = None
        self.job: Job | None = None
        self.to_install: list[str] = []  # the defaults, then what else the engine needs
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.install_button = QPushButton("Install models")
        self.install_button.clicked.connect(self.install)
        self.later_button = QPushButton("Later")
        self.later_button.clicked.connect(self.hide)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        for widget in (self.bar, self.install_button, self.later_button, self.cancel_button):
            layout.addWidget(widget)
        self._busy(False)
        self.hide()

    def check(self, engine: Engine) -> list[ModelInfo]:
        """Show the offer when ``engine`` needs models that are missing; returns them."""
        self.engine = engine
        library = ModelCatalog(engine.settings)
        missing = [] if self.job is not None else engine.models.in_use().missing
        if missing:
            specs = {s.name: s for s in [*library.defaults(), *missing]}
            self.to_install = list(specs)
            total = sum(s.size_bytes for s in specs.values())
            names = ", ".join(s.display_name for s in missing)
            self.label.setText(
                f"<b>Sourcewise needs models that are not installed yet</b> ({names}). "
                f"Install them with the default models ({size(total)}, downloaded once) into "
                f"{library.models_dir}?"
            )
            self.show()
        elif self.job is None:
            self.hide()
        return missing

    def install(self) -> None:
        engine = self.engine
        if engine is None or self.job is not None:
            return
        models, names = ModelCatalog(engine.settings), list(self.to_install)
        job = Job("install models", lambda j: models.install_many(
            names, progress=j.report_progress, cancel=j.cancel_token))  # fmt: skip
        job.signals.progress.connect(self._on_progress)
        job.signals.finished.connect(self._on_done)
        job.signals.failed.connect(self._on_failed)
        job.signals.cancelled.connect(self._on_cancelled)
        self.job = job
        self.label.setText("Installing the default models…")
        self.bar.setRange(0, 0)
        self._busy(True)
        self.runner.start(job)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.label.setText("Cancelling…")

    def _on_progress(self, p: Progress) -> None:
        self.label.setText(install_text(p))
        if p.total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * (p.fraction or 0)))
        else:
            self.bar.setRange(0, 0)

    def _on_done(self, _paths: object) -> None:
        self.job = None
        self._busy(False)
        self.hide()
        self.installed.emit()

    def _on_failed(self, message: str) -> None:
        self.job = None
        self._busy(False)
        self.label.setText(f"<b>The models could not be installed:</b> {message}")
        self.install_button.setText("Try again")

    def _on_cancelled(self) -> None:
        self.job = None
        self._busy(False)
        self.label.setText("Model installation cancelled; nothing was left half-installed.")

    def _busy(self, busy: bool) -> None:
        self.bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.install_button.setVisible(not busy)
        self.later_button.setVisible(not busy)
