"""kill -9 in the middle of indexing, then a rerun: the index is consistent and no file that
was committed before the kill is embedded again (the embedder's log proves it)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sourcewise.core.ingest.chunking import embedding_text
from sourcewise.core.store.rows import ChunkRecord
from tests.engine.conftest import fake_engine

WORKER = Path(__file__).with_name("_index_worker.py")
FILES = 200  # about 400 chunks: over three embedding pools of 128


def _corpus(folder: Path) -> None:
    folder.mkdir()
    for i in range(FILES):
        words = " ".join(f"topic{i}word{j}" for j in range(60))
        (folder / f"doc{i:03d}.md").write_text(
            f"# Document {i}\n\n{words}.\n\nMore about item {i}.\n"
        )


def _run(home: Path, folder: Path, log: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(home), str(folder), str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip


def _hashes(log: Path) -> set[str]:
    return set(log.read_text().split()) if log.exists() else set()


def _committed_chunk_hashes(home: Path) -> tuple[set[str], int]:
    engine = fake_engine(home)
    db = engine._parts.store.db
    rows = db.execute(
        "SELECT ch.text, ch.heading FROM chunks ch JOIN documents d ON d.blob_id = ch.blob_id "
        "WHERE d.status = 'indexed'"
    ).fetchall()
    docs = db.execute("SELECT count(*) FROM documents WHERE status = 'indexed'").fetchone()[0]
    engine.close()
    texts = [embedding_text(ChunkRecord(t, h, None, None, None, 0, 0, 0)) for t, h in rows]
    return {hashlib.sha1(t.encode()).hexdigest() for t in texts}, int(docs)


def _assert_consistent(home: Path) -> None:
    engine = fake_engine(home)
    db = engine._parts.store.db
    chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    vectors = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    fts = db.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
    orphans = db.execute(
        "SELECT count(*) FROM documents WHERE status = 'indexed' AND blob_id IS NULL"
    ).fetchone()[0]
    assert chunks == vectors == fts == engine.library.status().vectors
    assert orphans == 0
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # FTS5 compares its index with the content table and raises if they disagree.
    db.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")
    engine.close()


def test_kill_9_mid_indexing_then_rerun(tmp_path: Path) -> None:
    folder, home = tmp_path / "docs", tmp_path / "home"
    _corpus(folder)
    first_log = tmp_path / "run1.log"
    proc = _run(home, folder, first_log)
    deadline = time.monotonic() + 120
    while len(_hashes(first_log)) < 180 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the worker finished before it could be killed: slow it down"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    _assert_consistent(home)
    committed, committed_docs = _committed_chunk_hashes(home)
    assert 0 < committed_docs < FILES

    second_log = tmp_path / "run2.log"
    rerun = _run(home, folder, second_log)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"indexed {FILES - committed_docs}" in out
    assert _hashes(second_log).isdisjoint(committed)  # nothing committed was embedded twice
    _assert_consistent(home)
    assert _committed_chunk_hashes(home)[1] == FILES
