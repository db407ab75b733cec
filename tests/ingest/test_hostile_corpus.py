"""A hostile corpus ends with a clear status per file and a usable index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from tests.ingest.corpus import make_hostile_corpus


def _statuses(engine: Engine) -> dict[str, tuple[str, str | None]]:
    return {d.path: (d.status, d.error) for d in engine.library.documents()}


def test_hostile_corpus_every_file_gets_a_status(engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "hostile"
    expected = make_hostile_corpus(root / "mixed")
    deep = root.joinpath(*[f"level{i}" for i in range(30)])
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("The deepest file talks about submarines.", encoding="utf-8")
    os.symlink(root, root / "mixed" / "loop")  # a symlink loop back to the top
    big = root / "big.txt"
    with big.open("w", encoding="utf-8") as fh:
        line = "Large files still get indexed line by line without trouble.\n"
        fh.write(line * (50 * 1024 * 1024 // len(line)))
    unreadable = root / "secret.txt"
    unreadable.write_text("nobody may read this", encoding="utf-8")
    unreadable.chmod(0)

    report = engine.library.index([root], progress=None)

    statuses = _statuses(engine)
    for path, kind in expected.items():
        if path.suffix == ".rar":
            continue  # unknown types inside a folder are skipped, not failed
        status, error = statuses[str(path)]
        if kind is None:
            assert status == "indexed", (path, error)
        else:
            assert status == kind, (path, status, error)
            assert error  # a human message
    assert str(root / "mixed" / "archive.rar") not in statuses
    assert statuses[str(deep / "deep.txt")][0] == "indexed"
    assert statuses[str(big)][0] == "indexed"
    if os.geteuid() != 0:  # root reads everything; the check only means something for users
        assert statuses[str(unreadable)][0] == "unreadable"
    assert report.files_failed == sum(1 for s, _ in statuses.values() if s != "indexed")
    assert engine.library.search("submarines deepest", k=1)[0].path == str(deep / "deep.txt")
    failed = {f.path: f.status for f in engine.library.status().failed}
    assert failed[str(root / "mixed" / "locked.pdf")] == "encrypted"


def test_explicit_unsupported_file_gets_a_status(engine: Engine, tmp_path: Path) -> None:
    odd = tmp_path / "thing.xyz"
    odd.write_text("hello", encoding="utf-8")
    report = engine.library.index([odd])
    assert report.files_failed == 1
    assert report.failures[0].status == "unsupported"
    assert "xyz" in report.failures[0].message


@pytest.mark.parametrize("mode", ["process"])
def test_process_workers_index_the_same(tmp_path: Path, mode: str) -> None:
    from tests.engine.conftest import fake_engine

    root = tmp_path / "docs"
    make_hostile_corpus(root)
    eng = fake_engine(tmp_path / "home", parse_mode=mode, parse_workers=1)
    report = eng.library.index([root])
    assert report.files_indexed >= 10
    assert eng.library.status().vectors == eng.library.status().chunks
    eng.close()


def test_file_modified_during_indexing_is_indexed_as_it_ends_up(
    engine: Engine, tmp_path: Path
) -> None:
    import hashlib

    from sourcewise.core.progress import Progress

    root = tmp_path / "docs"
    root.mkdir()
    victim = root / "a-first.txt"
    victim.write_text("The original draft mentions llamas.", encoding="utf-8")
    for i in range(5):
        (root / f"b{i}.txt").write_text(
            f"Filler document number {i} about nothing.", encoding="utf-8"
        )
    seen = {"scans": 0}

    def progress(p: Progress) -> None:
        seen["scans"] += p.stage == "scanning"
        if seen["scans"] == 3:  # the victim was hashed already; its parse comes later
            victim.write_text("The final version mentions alpacas instead.", encoding="utf-8")
            os.utime(victim, (2_000_000_000, 2_000_000_000))

    report = engine.library.index([root], progress=progress)
    assert report.files_failed == 0 and report.files_indexed == 6
    doc = next(d for d in engine.library.documents() if d.path == str(victim))
    assert doc.status == "indexed"
    hit = engine.library.search("alpacas final version", k=1)[0]
    assert hit.path == str(victim) and "alpacas" in hit.text
    assert all("llamas" not in h.text for h in engine.library.search("original draft llamas", k=6))
    row = engine._parts.store.catalog.document(1, str(victim))
    assert row is not None
    assert row["sha256"] == hashlib.sha256(victim.read_bytes()).hexdigest()
