"""The parse worker pool: a worker killed mid-run costs a retry, not a file; and workers that
never start (a script without a ``__main__`` guard) stop the job with the reason instead of
marking every file as a parser crash."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from sourcewise.core.ingest import pipeline
from sourcewise.core.progress import Progress
from tests.engine.conftest import fake_engine

SCRIPT = """
import sys
from pathlib import Path
from sourcewise.core.testing import HashEmbedder
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings

home, folder = Path(sys.argv[1]), Path(sys.argv[2])
settings = Settings(home=home, models_dir=home / "m", index={"parse_mode": "process"})
engine = build_engine(settings, embedder=HashEmbedder(), chat_model=None, reranker=None)
engine.library.index([folder])
print("indexed")
"""


def test_unguarded_script_gets_a_clear_error_and_no_file_is_marked_failed(tmp_path: Path) -> None:
    folder, home = tmp_path / "docs", tmp_path / "home"
    folder.mkdir()
    for i in range(3):
        (folder / f"n{i}.md").write_text(f"# Note {i}\n\nSome text about item {i}.\n")
    script = tmp_path / "unguarded.py"
    script.write_text(SCRIPT)
    proc = subprocess.run([sys.executable, str(script), str(home), str(folder)],
                          check=False, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])  # fmt: skip
    assert proc.returncode != 0 and "indexed" not in proc.stdout
    assert 'if __name__ == "__main__":' in proc.stderr
    engine = fake_engine(home)
    assert engine.library.status().failed == []  # nothing was blamed on the files
    engine.close()


def test_a_worker_killed_mid_run_costs_a_retry_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    files = 300  # over two embedding pools: the first commit comes with files still in flight
    for i in range(files):
        (folder / f"n{i:03d}.md").write_text(f"# Note {i}\n\nSome text about item {i}.\n")
    engine = fake_engine(tmp_path / "home", parse_mode="process")
    killed: list[int] = []

    def kill_a_worker(progress: Progress) -> None:
        if progress.stage == "indexing" and not killed:
            for child in multiprocessing.active_children():
                if child.pid is not None:
                    os.kill(child.pid, signal.SIGKILL)
                    killed.append(child.pid)

    report = engine.library.index([folder], progress=kill_a_worker)
    assert killed, "no worker was running at the first commit"
    assert report.files_indexed == files and report.files_failed == 0
    assert engine.library.status().failed == []
    engine.close()


class _BrokenAtStart(ThreadPoolExecutor):
    """A pool that broke before any task ran, as when a parser crash kills a worker while
    the machine is too busy to have started the other."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        fut: Future[object] = Future()
        fut.set_exception(BrokenProcessPool("a worker died"))
        return fut


def test_a_pool_broken_before_its_first_task_is_restarted_not_reported_as_unstartable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(5):
        (folder / f"n{i}.md").write_text(f"# Note {i}\n\nSome text about item {i}.\n")
    pools: list[str] = []

    def make(mode: str, workers: int) -> ThreadPoolExecutor:
        pools.append(mode)
        return _BrokenAtStart(1) if len(pools) == 1 else ThreadPoolExecutor(workers)

    monkeypatch.setattr(pipeline, "make_executor", make)
    engine = fake_engine(tmp_path / "home", parse_mode="thread")
    report = engine.library.index([folder])
    assert len(pools) == 2  # the broken pool, then one fresh pool that ran
    assert report.files_indexed == 5 and report.files_failed == 0
    engine.close()
