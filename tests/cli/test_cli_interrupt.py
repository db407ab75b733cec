"""Ctrl+C during ``index``: the job stops cleanly, prints its partial report, exits 130, and no
parse worker prints a KeyboardInterrupt traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sourcewise.core.cli import index_cmd
from sourcewise.core.cli.main import main
from sourcewise.core.ingest.parse_pool import make_executor
from sourcewise.core.progress import Progress

FAKES = ["--set", 'embed.model="hash"', "--set", 'llm.model="echo"', "--set",
         "retrieval.rerank=false", "--set", "embed.batch_size=1"]  # fmt: skip
DRIVER = Path(__file__).with_name("_interrupt_driver.py")


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    for i in range(300):  # three embedding batches: a cancel lands between them
        (root / f"memo{i:03d}.txt").write_text(f"Memo {i}: the archive room opens at {i} am.")
    return root


def test_parse_workers_ignore_sigint() -> None:
    pool = make_executor("process", 1)
    try:
        assert pool.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN
    finally:
        pool.shutdown()


def test_ctrl_c_cancels_and_prints_the_partial_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def press_ctrl_c(p: Progress) -> None:
        if p.stage == "indexing" and p.files_done == 1:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(index_cmd, "_print_progress", press_ctrl_c)
    args = ["--data-dir", str(tmp_path / "home"), *FAKES, "--set", 'index.parse_mode="thread"']
    # What the process started with: the default handler, or "ignore" under a shell that
    # starts background jobs with SIGINT ignored.
    before = signal.getsignal(signal.SIGINT)
    code = main([*args, "index", str(docs)])
    out, err = capsys.readouterr()
    assert code == 130
    assert "default: cancelled after" in out and "of 300 files" in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert signal.getsignal(signal.SIGINT) == before  # handler restored


def test_ctrl_c_with_parse_processes_prints_no_traceback(tmp_path: Path, docs: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCEWISE_")}
    args = ["--data-dir", str(tmp_path / "home"), *FAKES, "--set", 'index.parse_mode="process"']
    proc = subprocess.run(
        [sys.executable, str(DRIVER), *args, "index", str(docs)],
        capture_output=True, text=True, timeout=300, check=False, env=env,
        start_new_session=True,  # its own process group: the SIGINT reaches only it
        cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert proc.returncode == 130, proc.stderr
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr
    assert "default: cancelled after" in proc.stdout
