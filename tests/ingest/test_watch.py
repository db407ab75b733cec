"""Watched folders re-index themselves when files appear, change or disappear."""

from __future__ import annotations

import threading
from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.ingest.watch import FolderWatcher
from sourcewise.core.types import IndexReport


def test_watcher_indexes_new_changed_and_deleted_files(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "watched"
    folder.mkdir()
    (folder / "first.txt").write_text("Initial notes about penguins.")
    engine.library.index([folder])
    reports: list[IndexReport] = []
    event = threading.Event()

    def on_report(report: IndexReport) -> None:
        reports.append(report)
        event.set()

    watcher = FolderWatcher(
        lambda root: engine.library.index([root], "default"), on_report=on_report, debounce_s=0.3
    )
    watcher.start([folder])
    try:
        (folder / "second.txt").write_text("New notes about walruses.")
        assert event.wait(20), "no re-index after a new file"
        assert engine.library.search("walruses", k=1)[0].path == str(folder / "second.txt")
        event.clear()
        (folder / "first.txt").unlink()
        assert event.wait(20), "no re-index after a deletion"
        assert {d.path for d in engine.library.documents()} == {str(folder / "second.txt")}
    finally:
        watcher.stop()
    assert sum(r.files_indexed for r in reports) == 1
    assert sum(r.files_removed for r in reports) == 1
