"""``sourcewise tune`` failures that need no training packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourcewise.core.cli.main import cli
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.tune import pipeline


def _data(tmp_path: Path) -> Path:
    path = tmp_path / "facts.jsonl"
    path.write_text(json.dumps({"question": "Q?", "answer": "A."}) + "\n", encoding="utf-8")
    return path


def test_missing_training_packages_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "missing_dependencies", lambda: ["peft"])
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "tune", str(_data(tmp_path))])
    assert isinstance(result.exception, SourcewiseError)  # main() prints it as one line
    assert "tuning needs peft: pip install 'sourcewise[tune]'" in str(result.exception)


def test_bad_adapter_name_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "missing_dependencies", list)
    args = ["--data-dir", str(tmp_path), "tune", str(_data(tmp_path)), "--name", "../x"]
    result = CliRunner().invoke(cli, args)
    assert isinstance(result.exception, SourcewiseError)
    assert "invalid adapter name" in str(result.exception)
