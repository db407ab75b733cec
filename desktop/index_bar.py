"""The indexing status area: progress (files, chunks, rate, ETA), Cancel, and the failures."""

from __future__ import annotations

from sourcewise.core.progress import Progress
from sourcewise.core.types import FileFailure, IndexReport
from sourcewise.desktop.formatting import progress_text, report_text
from sourcewise.desktop.qt import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
    Signal,
)


class IndexBar(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(220)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop indexing; files indexed so far are kept")
        self.cancel_button.clicked.connect(self._cancel)
        self.failures_button = QPushButton()
        self.failures_button.setFlat(True)
        self.failures_button.clicked.connect(self.show_failures)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.failures_button)
        self.failures: list[FileFailure] = []
        self.active = False
        self.last_progress: Progress | None = None
        self._set_running(False)
        self.failures_button.hide()

    def start(self, what: str) -> None:
        self.active = True
        self.last_progress = None
        self.label.setText(f"Indexing {what}…")
        self.bar.setRange(0, 0)  # busy until the scan knows the total
        self._set_running(True)

    def update_progress(self, p: Progress) -> None:
        self.last_progress = p
        self.label.setText(progress_text(p))
        if p.files_total:
            self.bar.setRange(0, p.files_total)
            self.bar.setValue(min(p.files_done, p.files_total))
            self.bar.setFormat("%v/%m files")
        else:
            self.bar.setRange(0, 0)

    def finish(self, report: IndexReport | None, message: str = "") -> None:
        self.active = False
        self._set_running(False)
        if report is not None:
            message = report_text(report)
            self.failures = list(report.failures)
        self.label.setText(message)
        count = len(self.failures)
        self.failures_button.setText(f"{count} failed…")
        self.failures_button.setVisible(count > 0)

    def show_failures(self) -> None:
        lines = [f"{f.path}\n    {f.status}: {f.message}" for f in self.failures[:200]]
        if len(self.failures) > 200:
            lines.append(f"… and {len(self.failures) - 200} more")
        box = QMessageBox(QMessageBox.Icon.Warning, "Files that could not be indexed",
                          f"{len(self.failures)} file(s) could not be indexed.", parent=self)  # fmt: skip
        box.setDetailedText("\n".join(lines))
        box.exec()

    def _cancel(self) -> None:
        self.label.setText("Cancelling…")
        self.cancel_button.setEnabled(False)
        self.cancel_requested.emit()

    def _set_running(self, running: bool) -> None:
        self.bar.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
