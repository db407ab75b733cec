"""The settings dialog (Ctrl+,): chat model, LoRA adapter, device, threads, retrieval, data folder.

Each control's tooltip is the settings schema's own description. The dialog only edits a copy
of the settings; the window saves it and decides whether the engine must be rebuilt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sourcewise.core.settings import Settings
from sourcewise.desktop import model_choices as mc
from sourcewise.desktop.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

DEVICES = (("Automatic (GPU when available)", "auto"), ("CPU", "cpu"), ("GPU (CUDA)", "cuda"))
NO_ADAPTER = "None"


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == 0 else 0)
    return box


def _spin(dotted: str, value: int, maximum: int | None = None) -> QSpinBox:
    low, high = mc.bounds(dotted)
    spin = QSpinBox()
    spin.setRange(low, maximum if maximum is not None else high)
    spin.setValue(value)
    spin.setToolTip(mc.help_text(dotted))
    return spin


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, choices: mc.ModelChoices,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.original = settings
        self.models_dir = settings.resolved_models_dir
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
        self.adapter.addItem(NO_ADAPTER, None)
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

        self.home = QLineEdit(str(s.home))
        self.home.setToolTip(mc.help_text("home"))
        self.browse_home = QPushButton("Browse…")
        self.browse_home.clicked.connect(self._browse_home)

        model_box = QGroupBox("Model")
        form = QFormLayout(model_box)
        form.addRow("Chat model:", _row(self.chat_model, self.browse_model))
        form.addRow("LoRA adapter:", _row(self.adapter, self.browse_adapter))
        form.addRow("Device:", self.device)
        form.addRow("Threads:", self.threads)
        search_box = QGroupBox("Retrieval")
        form = QFormLayout(search_box)
        form.addRow("Results (k):", self.k)
        form.addRow("", self.rerank)
        form.addRow("Re-rank candidates:", self.rerank_candidates)
        data_box = QGroupBox("Data")
        form = QFormLayout(data_box)
        form.addRow("Data folder:", _row(self.home, self.browse_home))
        note = QLabel("Changing the model, device, threads or data folder restarts the engine.")
        note.setWordWrap(True)
        note.setEnabled(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (model_box, search_box, data_box, note, buttons):
            layout.addWidget(widget)
        self.resize(620, self.sizeHint().height())

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

    # -- result ------------------------------------------------------------------------------
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
        }

    def result_settings(self) -> Settings:
        return mc.updated(self.original, self.changes())
