"""The settings dialog's "Library" section: this computer's library or a team library on
PostgreSQL, its URL, and a "Test connection" that runs off the UI thread.

The section edits ``store.backend`` and ``store.url`` only. It never asks for the password
(settings are saved in plain text): libpq and the engine take it from the environment or a
passfile. Choosing the team library leaves this computer's library where it is, in the data
folder, so choosing "This computer" again shows it as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from sourcewise.core.factory import check_library
from sourcewise.core.settings import Settings, StoreSettings
from sourcewise.core.types import LibraryCheck
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

BACKENDS = (("This computer", "sqlite"), ("Team library on PostgreSQL", "postgres"))
PASSWORD_NOTE = ("The password is never saved: it comes from PGPASSWORD, a passfile "
                 "(~/.pgpass or PGPASSFILE) or SOURCEWISE_STORE__PASSWORD.")  # fmt: skip

LibraryChecker = Callable[[Settings], LibraryCheck]


def password_note(settings: Settings) -> str:
    found = " SOURCEWISE_STORE__PASSWORD is set here." if settings.store.password else ""
    return PASSWORD_NOTE + found


def result_text(check: LibraryCheck) -> str:
    mark = "✓" if check.ok else "✗"
    detail = f"\n({check.detail})" if check.detail else ""
    return f"{mark} {check.summary}{detail}"


class TeamLibrarySection(ConnectionTest, QGroupBox):
    """``check`` answers a connection test (called on a worker thread); tests may wrap it."""

    checked = Signal(object)  # LibraryCheck: a connection test's answer

    def __init__(self, settings: Settings, parent: QWidget | None = None,
                 check: LibraryChecker = check_library) -> None:  # fmt: skip
        super().__init__("Library", parent)
        self.original = settings
        self.check = check
        self.runner = JobRunner(max_threads=1, parent=self)  # never queued behind an install
        self.testing: Job | None = None

        self.backend = QComboBox()
        self.backend.setToolTip(mc.help_text("store.backend"))
        for label, value in BACKENDS:
            self.backend.addItem(label, value)
        self.backend.setCurrentIndex(max(0, self.backend.findData(settings.store.backend)))
        self.url = QLineEdit(settings.store.url)
        self.url.setPlaceholderText("postgresql://alice@db.lan/library")
        self.url.setToolTip(mc.help_text("store.url"))
        self.test_button = QPushButton("Test connection")
        self.test_button.setToolTip("Connect to the server now, read only, and say what is there")
        self.test_button.clicked.connect(self.test_connection)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password = QLabel(password_note(settings))
        self.password.setWordWrap(True)
        local = QLabel(f"This computer's library stays in {settings.home}; choosing "
                       "“This computer” again shows it as it was.")  # fmt: skip
        local.setWordWrap(True)
        local.setEnabled(False)

        url_row = QWidget()
        row = QHBoxLayout(url_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.url, 1)
        row.addWidget(self.test_button)
        form = QFormLayout(self)
        form.addRow("Library:", self.backend)
        form.addRow("Server URL:", url_row)
        form.addRow("", self.result)
        form.addRow("", self.password)
        form.addRow("", local)
        self.backend.currentIndexChanged.connect(self._show_backend)
        self.url.textEdited.connect(lambda _text: self.result.clear())  # an old answer misleads
        self._show_backend()

    @property
    def team(self) -> bool:
        return bool(self.backend.currentData() == "postgres")

    def _show_backend(self) -> None:
        self.url.setEnabled(self.team)
        self.test_button.setEnabled(self.team and self.testing is None)
        self.password.setVisible(self.team)
        self.result.clear()

    def values(self) -> dict[str, Any]:
        """The settings this section edits, by dotted name."""
        return {"store.backend": str(self.backend.currentData()),
                "store.url": self.url.text().strip()}  # fmt: skip

    def problem(self) -> str | None:
        """Why these values cannot be saved (a password in the URL, no URL), or None."""
        values = self.values()
        if self.team and not values["store.url"]:
            return "Enter the team library's URL, e.g. postgresql://alice@db.lan/library."
        try:
            StoreSettings(backend=values["store.backend"], url=values["store.url"])
        except ValidationError as err:
            return str(err.errors()[0]["msg"]).removeprefix("Value error, ")
        return None

    @property
    def testable(self) -> bool:
        return self.team

    def failed_check(self, message: str) -> LibraryCheck:
        return LibraryCheck(False, message)

    def result_text(self, check: LibraryCheck) -> str:
        return result_text(check)
