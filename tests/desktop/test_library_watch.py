"""The library while indexing runs, watched folders, and the app's --self-test."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.types import DocumentInfo
from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.qt import Qt

from .helpers import write_text_files

pytestmark = pytest.mark.gui


def test_the_library_fills_in_while_indexing_runs(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    folder = write_text_files(tmp_path / "notes", 40)
    window.indexer.live_refresh_s = 0.0  # every commit, instead of every few seconds
    live: list[int] = []

    def seen(docs: list[DocumentInfo]) -> None:
        live.append(len(docs))

    window.indexer.documents.connect(seen)
    with qtbot.waitSignal(window.indexing_finished, timeout=30_000):
        window.index_paths([folder])
    assert live and live[0] < 40  # shown before the job ended
    qtbot.waitUntil(lambda: len(window.library.file_items()) == 40, timeout=10_000)


def test_a_watched_folder_is_reindexed_when_a_file_is_added(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path
) -> None:
    folder = write_text_files(tmp_path / "watched", 2)
    with qtbot.waitSignal(window.indexing_finished, timeout=30_000):
        window.index_paths([folder])
    qtbot.waitUntil(lambda: window.library.folder_item(str(folder)) is not None, timeout=10_000)
    window.watch.debounce_s = 0.2
    item = window.library.folder_item(str(folder))
    assert item is not None
    item.setCheckState(Qt.CheckState.Checked)  # the "watch" box
    assert window.watch.watched == {("default", str(folder))}
    assert engine.library.roots(watched_only=True) == [("default", str(folder), True)]

    with qtbot.waitSignal(window.watch.reindexed, timeout=15_000) as blocker:
        (folder / "new.txt").write_text("The harbour master rings the bell at noon.\n")
    assert blocker.args[0].files_indexed == 1
    qtbot.waitUntil(lambda: len(window.library.file_items()) == 3, timeout=10_000)

    item = window.library.folder_item(str(folder))
    assert item is not None and item.checkState() == Qt.CheckState.Checked
    item.setCheckState(Qt.CheckState.Unchecked)
    assert window.watch.watched == set()
    assert engine.library.roots(watched_only=True) == []


def test_self_test_opens_the_window_checks_the_engine_and_answers(
    qapp, monkeypatch, tmp_path: Path, capsys
) -> None:
    from sourcewise.desktop.app import main

    monkeypatch.setenv("SOURCEWISE_EMBED__MODEL", "hash")
    monkeypatch.setenv("SOURCEWISE_LLM__MODEL", "echo")
    monkeypatch.setenv("SOURCEWISE_RETRIEVAL__RERANK", "false")
    monkeypatch.setenv("SOURCEWISE_INDEX__PARSE_MODE", "thread")
    assert main(["--self-test", "--sample", "--data-dir", str(tmp_path / "home")]) == 0
    out = capsys.readouterr().out
    assert "loaded llama_cpp" in out and "citations:" in out
    assert out.rstrip().endswith("ok")
