"""The latest evaluation report (``sourcewise eval``), shown in the app with its plots."""

from __future__ import annotations

from pathlib import Path

from sourcewise.desktop.qt import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

NO_REPORT = (
    "No evaluation yet.\n\nRun `sourcewise eval GOLD.jsonl` (or `sourcewise eval generate` to "
    "draft a gold set from your documents) and the latest report appears here."
)


class EvalReportDialog(QDialog):
    """Shows ``report`` (``Settings.latest_eval_report``), or how to make one
    when None."""

    def __init__(self, report: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Latest evaluation report")
        self.resize(900, 700)
        self.view = QTextBrowser(self)
        self.view.setOpenExternalLinks(True)
        self.folder = None if report is None else report.parent
        if report is None:
            self.view.setMarkdown(NO_REPORT)
        else:
            self.view.setSearchPaths([str(report.parent)])  # its plots are relative PNG links
            self.view.setMarkdown(report.read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
