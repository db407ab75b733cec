"""What ``index`` shows before the first file is done: files found, then why it waits."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sourcewise.core.cli.index_cmd import progress_line
from sourcewise.core.embed.base import Vectors
from sourcewise.core.progress import Progress
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
        engine.index([_docs(tmp_path, 5)], progress=seen.append)
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
        engine.index([_docs(tmp_path, 3)], progress=progress)
    finally:
        engine.close()
    assert log.index("starting") < log.index("warm_up") < log.index("embed")
    assert log.index("warm_up") < log.index("indexing")
    starting = Progress("starting", message="starting the parsers, loading hash")
    assert progress_line(starting) == "starting the parsers, loading hash…"
