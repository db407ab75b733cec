"""What ``index`` shows before the first file is done (files found, then why it waits), and
what a cancelled run hands back."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from sourcewise.core.cli.index_cmd import progress_line
from sourcewise.core.embed.base import Vectors
from sourcewise.core.errors import Cancelled
from sourcewise.core.factory import build_engine
from sourcewise.core.progress import CancelToken, Progress
from sourcewise.core.testing import HashEmbedder
from tests import fakes


class Watched(HashEmbedder):
    """The hash embedder, logging when it is loaded and used."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def warm_up(self) -> None:
        self.log.append("warm_up")

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.log.append("embed")
        return super().embed_documents(texts)


def _docs(tmp_path: Path, n: int) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    for i in range(n):
        (root / f"note{i}.txt").write_text(f"Note {i}: the ferry leaves at {i} o'clock.")
    return root


def test_scanning_counts_the_files_found(tmp_path: Path) -> None:
    seen: list[Progress] = []
    engine = fakes.fake_engine(tmp_path / "home")
    try:
        engine.library.index([_docs(tmp_path, 5)], progress=seen.append)
    finally:
        engine.close()
    scans = [p for p in seen if p.stage == "scanning"]
    assert [p.done for p in scans] == [1, 2, 3, 4, 5]
    assert progress_line(scans[-1]) == "scanning: 5 files found"


def test_the_wait_before_parsing_is_announced_and_the_embedder_loads_then(tmp_path: Path) -> None:
    log: list[str] = []
    engine = fakes.fake_engine(tmp_path / "home", embedder=Watched(log))

    def progress(p: Progress) -> None:
        if p.stage != "scanning":
            log.append(p.stage)

    try:
        engine.library.index([_docs(tmp_path, 3)], progress=progress)
    finally:
        engine.close()
    assert log.index("starting") < log.index("warm_up") < log.index("embed")
    assert log.index("warm_up") < log.index("indexing")
    starting = Progress("starting", message="starting the parsers, loading hash")
    assert progress_line(starting) == "starting the parsers, loading hash…"


def test_a_cancel_raises_cancelled_with_the_partial_report(tmp_path: Path) -> None:
    """The engine's one cancel contract: ``Cancelled`` carries what was done, and the files
    committed before the cancel stay indexed for the next run to skip."""
    docs = _docs(tmp_path, 300)  # embedded in batches of 128 chunks: a cancel lands between
    settings = fakes.fake_settings(tmp_path / "home")
    settings.embed.batch_size = 1
    engine = build_engine(settings, embedder=HashEmbedder(), chat_model=None, reranker=None)
    cancel = CancelToken()

    def progress(p: Progress) -> None:
        if p.stage == "indexing":
            cancel.cancel()

    try:
        with pytest.raises(Cancelled) as stopped:
            engine.library.index([docs], progress=progress, cancel=cancel)
        report = stopped.value.report
        assert report is not None and report.cancelled and report.files_seen == 300
        assert 0 < report.files_indexed < 300
        assert engine.library.status().documents == report.files_indexed
        again = engine.library.index([docs])
        assert not again.cancelled and again.files_unchanged == report.files_indexed
        assert again.files_indexed == 300 - report.files_indexed
    finally:
        engine.close()
