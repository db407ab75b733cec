"""The settings dialog (Ctrl+,): chat model, LoRA adapter, device, threads, or a model server
(:mod:`.model_server`), retrieval, data folder, the key that sends, and which library to use
(this computer's or a team library: :mod:`.team_library`).

Each control's tooltip is the settings schema's own description. The dialog only edits a copy
of the settings; the window saves it and decides whether the engine must be rebuilt.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sourcewise.core.model_catalog import ModelCatalog
from sourcewise.core.progress import Progress
from sourcewise.core.settings import Settings
from sourcewise.desktop import model_choices as mc
from sourcewise.desktop.formatting import size
from sourcewise.desktop.model_server import ModelServerSection
from sourcewise.desktop.model_setup import install_job, install_text
from sourcewise.desktop.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)
from sourcewise.desktop.team_library import TeamLibrarySection
from sourcewise.desktop.workers import Job, JobRunner

DEVICES = (("Automatic (GPU when available)", "auto"), ("CPU", "cpu"), ("GPU (CUDA)", "cuda"))
BUNDLED_ADAPTER = "The model's own (bundled), if any"
NO_ADAPTER = "None"
SEND_KEY_CHOICES = (("Enter (Shift+Enter adds a line)", "enter"),
                    ("Ctrl+Enter (Enter adds a line)", "ctrl+enter"))  # fmt: skip


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == 0 else 0)
    return box


def _scrolling(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def _spin(dotted: str, value: int, maximum: int | None = None) -> QSpinBox:
    low, high = mc.bounds(dotted)
    spin = QSpinBox()
    spin.setRange(low, maximum if maximum is not None else high)
    spin.setValue(value)
    spin.setToolTip(mc.help_text(dotted))
    return spin


class SettingsDialog(QDialog):
    """``models`` and ``runner`` (a thread that does not touch the index) let the dialog
    install a chat model that is not installed yet; without them it only lists it."""

    def __init__(self, settings: Settings, choices: mc.ModelChoices,
                 parent: QWidget | None = None, *, models: ModelCatalog | None = None,
                 runner: JobRunner | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.original = settings
        self.models_dir = settings.resolved_models_dir
        self.models, self.runner = models, runner
        self.install: Job | None = None
        s = settings

        self.chat_model = QComboBox()
        self.chat_model.setToolTip(mc.help_text("llm.model", "llm.path"))
        for choice in choices.chat:
            self.chat_model.addItem(choice.label, choice)
        if s.llm.path is not None:
            self._select_chat(mc.ChatChoice(f"{s.llm.path.name} — {s.llm.path}", path=s.llm.path))
        else:
            self._select_chat(mc.ChatChoice(s.llm.model, model=s.llm.model))
        self.browse_model = QPushButton("Browse…")
        self.browse_model.setToolTip("Use a GGUF file from anywhere on this computer")
        self.browse_model.clicked.connect(self._browse_model)

        self.adapter = QComboBox()
        self.adapter.setToolTip(mc.help_text("llm.adapter"))
        self.adapter.addItem(BUNDLED_ADAPTER, None)
        self.adapter.addItem(NO_ADAPTER, "none")  # llm.adapter's value for the plain model
        for path in choices.adapters:
            self.adapter.addItem(path.stem, mc.adapter_value(path, self.models_dir))
        if s.llm.adapter:
            self._select_adapter(s.llm.adapter)
        self.browse_adapter = QPushButton("Browse…")
        self.browse_adapter.setToolTip("Use a LoRA adapter (.gguf) from anywhere on this computer")
        self.browse_adapter.clicked.connect(self._browse_adapter)

        self.device = QComboBox()
        self.device.setToolTip(mc.help_text("llm.device", "embed.device"))
        for label, value in DEVICES:
            self.device.addItem(label, value)
        self.device.setCurrentIndex(max(0, self.device.findData(s.llm.device)))
        self.threads = _spin("llm.threads", s.llm.threads, maximum=4 * mc.cpu_count())
        self.threads.setSpecialValueText("All cores")

        self.k = _spin("retrieval.k", s.retrieval.k)
        self.rerank = QCheckBox("Re-rank results with the cross-encoder")
        self.rerank.setToolTip(mc.help_text("retrieval.rerank"))
        self.rerank.setChecked(s.retrieval.rerank)
        self.rerank_candidates = _spin("retrieval.rerank_candidates", s.retrieval.rerank_candidates)
        self.rerank.toggled.connect(self.rerank_candidates.setEnabled)
        self.rerank_candidates.setEnabled(s.retrieval.rerank)

        self.send_key = QComboBox()
        self.send_key.setToolTip(mc.help_text("desktop.send_key"))
        for label, value in SEND_KEY_CHOICES:
            self.send_key.addItem(label, value)
        self.send_key.setCurrentIndex(max(0, self.send_key.findData(s.desktop.send_key)))

        self.home = QLineEdit(str(s.home))
        self.home.setToolTip(mc.help_text("home"))
        self.browse_home = QPushButton("Browse…")
        self.browse_home.clicked.connect(self._browse_home)

        self.install_note = QLabel()
        self.install_note.setWordWrap(True)
        self.install_bar = QProgressBar()
        self.install_bar.setFixedWidth(160)
        self.install_button = QPushButton("Install")
        self.install_button.setToolTip("Download, assemble and verify this model now")
        self.install_button.clicked.connect(self.install_selected)
        self.chat_model.currentIndexChanged.connect(self._show_install_state)

        model_box = QGroupBox("Model")
        form = QFormLayout(model_box)
        form.addRow("Chat model:", _row(self.chat_model, self.browse_model))
        self.install_row = _row(self.install_note, self.install_bar, self.install_button)
        form.addRow("", self.install_row)
        form.addRow("LoRA adapter:", _row(self.adapter, self.browse_adapter))
        form.addRow("Device:", self.device)
        form.addRow("Threads:", self.threads)
        search_box = QGroupBox("Retrieval")
        form = QFormLayout(search_box)
        form.addRow("Results (k):", self.k)
        form.addRow("", self.rerank)
        form.addRow("Re-rank candidates:", self.rerank_candidates)
        data_box = QGroupBox("Data and keys")
        form = QFormLayout(data_box)
        form.addRow("Data folder:", _row(self.home, self.browse_home))
        form.addRow("Send a question with:", self.send_key)
        self.team = TeamLibrarySection(s, self)
        self.model_server = ModelServerSection(s, self)
        self.model_server.backend_changed.connect(self._show_backend)
        note = QLabel("Settings apply when saved: a new model, device, thread count, data "
                      "folder or library reloads that part of the engine first.")  # fmt: skip
        note.setWordWrap(True)
        note.setEnabled(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.finished.connect(self._cancel_install)
        sections = QWidget()
        column = QVBoxLayout(sections)
        for widget in (model_box, self.model_server, search_box, data_box, self.team, note):
            column.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(_scrolling(sections), 1)
        layout.addWidget(buttons)
        self._show_backend(self.model_server.server)
        self._fit(sections)

    def _fit(self, sections: QWidget) -> None:
        """As tall as the sections, but never taller than the screen: they scroll instead."""
        screen = self.screen().availableGeometry().height() if self.screen() else 800
        wanted = sections.sizeHint().height() + 80  # the buttons and the margins
        self.resize(640, min(wanted, int(screen * 0.9)))

    # -- choices -----------------------------------------------------------------------------
    def _select_chat(self, wanted: mc.ChatChoice) -> None:
        for i in range(self.chat_model.count()):
            have = self.chat_model.itemData(i)
            same_path = wanted.path is not None and have.path == wanted.path
            if same_path or (
                wanted.path is None and have.path is None and have.model == wanted.model
            ):
                self.chat_model.setCurrentIndex(i)
                return
        self.chat_model.addItem(wanted.label, wanted)
        self.chat_model.setCurrentIndex(self.chat_model.count() - 1)

    def select_model_file(self, path: Path) -> None:
        self._select_chat(mc.ChatChoice(f"{path.name} — {path}", path=path))

    def _select_adapter(self, value: str) -> None:
        index = self.adapter.findData(value)
        if index < 0:
            self.adapter.addItem(Path(value).stem, value)
            index = self.adapter.count() - 1
        self.adapter.setCurrentIndex(index)

    def select_adapter_file(self, path: Path) -> None:
        self._select_adapter(mc.adapter_value(path, self.models_dir))

    def _browse_model(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", str(self.models_dir),
                                              "GGUF models (*.gguf)")  # fmt: skip
        if name:
            self.select_model_file(Path(name))

    def _browse_adapter(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a LoRA adapter",
                                              str(self.models_dir), "GGUF adapters (*.gguf)")  # fmt: skip
        if name:
            self.select_adapter_file(Path(name))

    def _browse_home(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Data folder", self.home.text())
        if folder:
            self.home.setText(folder)

    def _show_backend(self, server: bool) -> None:
        """A model server answers with its own model: the built-in model's choices idle."""
        for widget in (self.chat_model, self.browse_model, self.adapter, self.browse_adapter,
                       self.threads):  # fmt: skip
            widget.setEnabled(not server and self.install is None)
        self._show_install_state()

    # -- installing a chat model ---------------------------------------------------------------
    def _show_install_state(self) -> None:
        choice: mc.ChatChoice | None = self.chat_model.currentData()
        missing = choice is not None and choice.model is not None and not choice.installed
        missing = missing and not self.model_server.server  # a server's model needs no file
        busy = self.install is not None
        can_install = self.models is not None and self.runner is not None
        self.install_row.setVisible(missing or busy)
        self.install_bar.setVisible(busy)
        self.install_button.setVisible(missing and not busy and can_install)
        self.save_button.setEnabled(not busy)  # saved once the model is there, or cancelled
        if missing and not busy and choice is not None:
            where = f" into {self.models.models_dir}" if self.models is not None else ""
            self.install_note.setText(f"Not installed yet: {size(choice.size_bytes)} to "
                                      f"download{where}, once.")  # fmt: skip

    def install_selected(self) -> None:
        """Install the selected manifest model on the runner, with progress in the dialog."""
        choice: mc.ChatChoice | None = self.chat_model.currentData()
        if (choice is None or choice.model is None or choice.installed or self.install
                or self.models is None or self.runner is None):  # fmt: skip
            return
        job = install_job(self.models, choice.model)
        job.signals.progress.connect(self._on_install_progress)
        job.signals.finished.connect(self._on_installed)
        job.signals.failed.connect(self._on_install_failed)
        job.signals.cancelled.connect(self._on_install_cancelled)
        self.install = job
        self.install_note.setText(f"Installing {choice.model}…")
        self.install_bar.setRange(0, 0)
        self.chat_model.setEnabled(False)
        self._show_install_state()
        self.runner.start(job)

    def _on_install_progress(self, p: Progress) -> None:
        self.install_note.setText(install_text(p))
        if p.total:
            self.install_bar.setRange(0, 1000)
            self.install_bar.setValue(int(1000 * (p.fraction or 0)))

    def _on_installed(self, _path: object) -> None:
        choice: mc.ChatChoice = self.chat_model.currentData()
        label = (
            self.models.info(choice.model).display_name
            if self.models and choice.model
            else choice.label
        )
        index = self.chat_model.currentIndex()
        self.chat_model.setItemText(index, label)
        self.chat_model.setItemData(index, replace(choice, label=label, installed=True))
        self._end_install(f"{label} is installed.")

    def _on_install_failed(self, message: str) -> None:
        self._end_install(f"The model could not be installed: {message}")

    def _on_install_cancelled(self) -> None:
        self._end_install("Installation cancelled; nothing was left half-installed.")

    def _end_install(self, message: str) -> None:
        self.install = None
        self.chat_model.setEnabled(not self.model_server.server)
        self._show_install_state()
        self.install_row.setVisible(True)
        self.install_note.setText(message)

    def _cancel_install(self) -> None:
        if self.install is not None:
            self.install.cancel()

    # -- result ------------------------------------------------------------------------------
    def accept(self) -> None:
        """Save only what can be saved: a URL holding a password, or none, stays here."""
        for section in (self.model_server, self.team):
            problem = section.problem()
            if problem is not None:
                section.show_problem(problem)
                section.url.setFocus()
                return
        super().accept()

    def changes(self) -> dict[str, Any]:
        """Every value the dialog edits, by dotted setting name."""
        chat: mc.ChatChoice = self.chat_model.currentData()
        device = str(self.device.currentData())
        home_text = self.home.text().strip()
        home = Path(home_text).expanduser() if home_text else self.original.home
        return {
            "llm.model": chat.model or self.original.llm.model,
            "llm.path": chat.path,
            "llm.adapter": self.adapter.currentData(),
            "llm.device": device,
            "embed.device": device,
            "llm.threads": self.threads.value(),
            "retrieval.k": self.k.value(),
            "retrieval.rerank": self.rerank.isChecked(),
            "retrieval.rerank_candidates": self.rerank_candidates.value(),
            "home": home,
            "desktop.send_key": str(self.send_key.currentData()),
            **self.model_server.values(),
            **self.team.values(),
        }

    def result_settings(self) -> Settings:
        return mc.updated(self.original, self.changes())
