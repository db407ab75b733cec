"""The latest evaluation report (``sourcewise eval``), shown in the app with its plots."""

from __future__ import annotations

from pathlib import Path

from sourcewise.core.eval.report import MARKDOWN_NAME, latest_report
from sourcewise.desktop.qt import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

NO_REPORT = (
    "No evaluation yet.\n\nRun `sourcewise eval GOLD.jsonl` (or `sourcewise eval generate` to "
    "draft a gold set from your documents) and the latest report appears here."
)


class ReportDialog(QDialog):
    def __init__(self, home: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Latest evaluation report")
        self.resize(900, 700)
        self.view = QTextBrowser(self)
        self.view.setOpenExternalLinks(True)
        folder = latest_report(home)
        self.folder = folder
        if folder is None or not (folder / MARKDOWN_NAME).exists():
            self.view.setMarkdown(NO_REPORT)
        else:
            self.view.setSearchPaths([str(folder)])  # the report's plots are relative PNG links
            self.view.setMarkdown((folder / MARKDOWN_NAME).read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
