"""Two indexer processes on one folder against one PostgreSQL library, and a third process
searching while they run: every file is indexed once (the embedders' logs are counted: no
text embedded twice, none missing), they shared the work, and every search result was a
committed passage of a library that only grew."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.testing import HashEmbedder

WORKER = Path(__file__).with_name("_team_worker.py")
FILES = 300  # one chunk each: an indexer claims ahead what it parses before embedding 128


def _corpus(folder: Path) -> None:
    folder.mkdir()
    for i in range(FILES):
        words = " ".join(f"topic{i}word{j}" for j in range(40))
        (folder / f"doc{i:03d}.md").write_text(f"# Document {i}\n\n{words}.\n\nItem {i}.\n")
    # The same content at a second path: stored once, whichever indexer sees it first.
    (folder / "copy-of-doc000.md").write_bytes((folder / "doc000.md").read_bytes())


def _start(*args: object) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
    return proc


def _finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def _embedded(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def test_two_indexers_embed_each_file_once_while_a_third_searches(
    tmp_path: Path, pg_url: str
) -> None:
    folder, go, stop = tmp_path / "docs", tmp_path / "go", tmp_path / "stop"
    _corpus(folder)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    indexers = [
        _start("index", pg_url, tmp_path / f"home-{n}", folder, go, log)
        for n, log in zip("ab", logs, strict=True)
    ]
    searcher = _start("search", pg_url, tmp_path / "home-s", go, stop, tmp_path / "s.json")
    go.touch()
    reports = [json.loads(_finish(p)) for p in indexers]
    time.sleep(0.3)  # a few searches of the finished library too
    stop.touch()
    _finish(searcher)

    a, b = (_embedded(log) for log in logs)
    assert a and b, "both indexers should have embedded part of the folder"
    assert not set(a) & set(b), "a text was embedded by both indexers"
    assert len(a) + len(b) == len(set(a) | set(b)), "a text was embedded twice"
    assert sum(r["indexed"] for r in reports) == FILES  # each content stored by one of them

    settings = Settings(home=tmp_path / "check", models_dir=tmp_path / "m",
                        store={"backend": "postgres", "url": pg_url})  # fmt: skip
    check = build_engine(settings, embedder=HashEmbedder(), chat_model=None, reranker=None)
    status = check.library.status()
    check.close()
    assert status.documents == FILES + 1 and not status.failed
    assert status.chunks == status.vectors == len(a) + len(b)

    seen = json.loads((tmp_path / "s.json").read_text())
    assert seen["problems"] == []
    assert seen["searches"] >= 3 and seen["hits"] > 0
    assert seen["counts"] == sorted(seen["counts"])  # the library only grew
    assert seen["counts"][0] < FILES + 1 == seen["counts"][-1]  # searched during indexing
