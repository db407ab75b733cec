"""The settings dialog's "Chat model server" section: the built-in llama.cpp or a model server
the user runs (``llm.backend = "openai"``: llama-server, Ollama, LM Studio, vLLM), its address,
model and the environment variable holding its key, and a "Test connection" off the UI thread.

The key itself is never asked for nor saved (settings are plain text): the section edits only
the name of the variable that holds it, and says whether this app can see it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from sourcewise.core.factory import check_model_server
from sourcewise.core.settings import LLMSettings, Settings
from sourcewise.core.types import ModelServerCheck
from sourcewise.desktop import model_choices as mc
from sourcewise.desktop.connection_test import ConnectionTest
from sourcewise.desktop.qt import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QWidget,
    Signal,
)
from sourcewise.desktop.workers import Job, JobRunner

BACKENDS = (("Built in (llama.cpp on this computer)", "llama"),
            ("A model server you run (OpenAI-compatible)", "openai"))  # fmt: skip
MODELS_SHOWN = 8  # of a server's model list, in the result line
EDITED = ("llm.backend", "llm.base_url", "llm.api_model", "llm.api_key_env")

ServerChecker = Callable[[Settings], ModelServerCheck]


def key_note(settings: LLMSettings, variable: str) -> str:
    """Where the key comes from, and whether this app can see it (never the key)."""
    if settings.api_key is not None:
        return "llm.api_key is set (in the settings file or SOURCEWISE_LLM__API_KEY): it is sent."
    if not variable:
        return "No key is sent (most servers on this computer or the LAN need none)."
    found = "is set here" if os.environ.get(variable) else "is not set in this app's environment"
    return f"The key is read from {variable}, which {found}; the key itself is never saved."


def result_text(check: ModelServerCheck) -> str:
    mark = "✓" if check.ok else "✗"
    lines = [f"{mark} {check.summary}"]
    if check.models:
        more = len(check.models) - MODELS_SHOWN
        shown = ", ".join(check.models[:MODELS_SHOWN]) + (f" and {more} more" if more > 0 else "")
        lines.append(f"Models: {shown}")
    if check.detail:
        lines.append(f"({check.detail})")
    return "\n".join(lines)


class ModelServerSection(ConnectionTest, QGroupBox):
    """``check`` answers a connection test (called on a worker thread); tests may wrap it."""

    checked = Signal(object)  # ModelServerCheck
    job_name = "test model server"
    backend_changed = Signal(bool)  # True: a model server, so the built-in model's rows idle

    def __init__(self, settings: Settings, parent: QWidget | None = None,
                 check: ServerChecker = check_model_server) -> None:  # fmt: skip
        super().__init__("Chat model server", parent)
        self.original = settings
        self.check = check
        self.runner = JobRunner(max_threads=1, parent=self)
        self.testing: Job | None = None
        llm = settings.llm
        self.backend = QComboBox()
        self.backend.setToolTip(mc.help_text("llm.backend"))
        for label, value in BACKENDS:
            self.backend.addItem(label, value)
        self.backend.setCurrentIndex(max(0, self.backend.findData(llm.backend)))
        self.url = _line(llm.base_url, "http://127.0.0.1:11434/v1", "llm.base_url")
        self.api_model = _line(llm.api_model, "empty: the server's first model", "llm.api_model")
        self.key_env = _line(llm.api_key_env, "e.g. LMSTUDIO_API_KEY; empty: no key",
                             "llm.api_key_env")  # fmt: skip
        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        self.test_button = QPushButton("Test connection")
        self.test_button.setToolTip("Ask the server for its models now (at most a few seconds)")
        self.test_button.clicked.connect(self.test_connection)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout()
        self.backend.currentIndexChanged.connect(self._show_backend)
        for edit in (self.url, self.api_model, self.key_env):
            edit.textChanged.connect(self._edited)
        self._show_backend()

    def _layout(self) -> None:
        url_row = QWidget()
        row = QHBoxLayout(url_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.url, 1)
        row.addWidget(self.test_button)
        form = QFormLayout(self)
        form.addRow("Chat model runs:", self.backend)
        form.addRow("Server address:", url_row)
        form.addRow("Model on the server:", self.api_model)
        form.addRow("API key from variable:", self.key_env)
        form.addRow("", self.key_note)
        form.addRow("", self.result)

    @property
    def server(self) -> bool:
        return bool(self.backend.currentData() == "openai")

    def _show_backend(self) -> None:
        for widget in (self.url, self.api_model, self.key_env, self.key_note):
            widget.setEnabled(self.server)
        self.test_button.setEnabled(self.server and self.testing is None)
        self._edited()
        self.backend_changed.emit(self.server)

    def _edited(self) -> None:
        self.result.clear()  # an old answer misleads
        self.key_note.setText(key_note(self.original.llm, self.key_env.text().strip()))

    def values(self) -> dict[str, Any]:
        """The settings this section edits, by dotted name."""
        return dict(zip(EDITED, (str(self.backend.currentData()), self.url.text().strip(),
                                 self.api_model.text().strip(), self.key_env.text().strip()),
                        strict=True))  # fmt: skip

    def problem(self) -> str | None:
        """Why these values cannot be saved (an address that is not one, a bad name), or None."""
        values = {dotted.removeprefix("llm."): value for dotted, value in self.values().items()}
        try:
            LLMSettings(**values)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return f"llm.{where}: {str(first['msg']).removeprefix('Value error, ')}"
        return None

    @property
    def testable(self) -> bool:
        return self.server

    def failed_check(self, message: str) -> ModelServerCheck:
        return ModelServerCheck(False, message)

    def result_text(self, check: ModelServerCheck) -> str:
        return result_text(check)


def _line(text: str, placeholder: str, dotted: str) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setToolTip(mc.help_text(dotted))
    return edit
