"""The app shows the latest evaluation report, or says how to make one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcewise.core.paths import latest_markdown
from sourcewise.desktop.eval_report_view import NO_REPORT, EvalReportDialog

pytestmark = pytest.mark.gui


def test_no_report_yet_says_what_to_do(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = EvalReportDialog(latest_markdown(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.folder is None
    assert "sourcewise eval" in dialog.view.toPlainText()
    assert NO_REPORT.splitlines()[0] in dialog.view.toPlainText()


def test_latest_report_is_rendered(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = tmp_path / "eval" / "2026-11-21T08-00-00"
    run.mkdir(parents=True)
    (run / "report.md").write_text(
        "# Evaluation\n\n| metric | value |\n|---|---|\n| hit@5 | 0.875 |\n"
    )
    (tmp_path / "eval" / "latest.json").write_text(json.dumps({"path": str(run)}))
    dialog = EvalReportDialog(latest_markdown(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.folder == run
    assert "hit@5" in dialog.view.toPlainText() and "0.875" in dialog.view.toPlainText()
