"""The settings dialog's "Test connection": the values as typed, checked on a worker thread.

Shared by the sections that name a server (the team library, the chat model server): each says
why its values cannot be saved (``problem``), what they are (``values``), how to check them
(``check``), how a check reads (``result_text``) and whether it can be tested now (``testable``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sourcewise.core.settings import Settings
from sourcewise.desktop import model_choices as mc
from sourcewise.desktop.qt import QLabel, QPushButton
from sourcewise.desktop.workers import Job, JobRunner


class ConnectionTest:
    """Mixed into a settings section (a QGroupBox with a ``checked`` signal)."""

    runner: JobRunner
    check: Callable[[Settings], Any]
    original: Settings
    testing: Job | None
    test_button: QPushButton
    result: QLabel
    checked: Any  # Signal(object): the check's answer
    job_name = "test connection"

    @property
    def testable(self) -> bool:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def problem(self) -> str | None:
        raise NotImplementedError

    def failed_check(self, message: str) -> Any:
        """The check's own type, saying it failed with ``message``."""
        raise NotImplementedError

    def result_text(self, check: Any) -> str:
        raise NotImplementedError

    def show_problem(self, message: str) -> None:
        self.result.setText(f"✗ {message}")

    def test_connection(self) -> None:
        """Check the values as typed on a worker thread; the answer lands in ``result``."""
        problem = self.problem()
        if problem is not None:
            self.show_problem(problem)
            return
        if self.testing is not None:
            return
        settings = mc.updated(self.original, self.values())
        check = self.check
        job = Job(self.job_name, lambda _job: check(settings))
        job.signals.finished.connect(self._on_checked)
        job.signals.failed.connect(self._on_check_failed)
        job.signals.ended.connect(self._on_check_ended)
        self.testing = job
        self.test_button.setEnabled(False)
        self.result.setText("Connecting…")
        self.runner.start(job)

    def _on_checked(self, check: Any) -> None:
        self.result.setText(self.result_text(check))
        self.checked.emit(check)

    def _on_check_failed(self, message: str) -> None:
        self._on_checked(self.failed_check(f"The connection test failed: {message}"))

    def _on_check_ended(self) -> None:
        self.testing = None
        self.test_button.setEnabled(self.testable)
