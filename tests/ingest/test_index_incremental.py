"""Incremental indexing: skip unchanged, replace changed, drop deleted, re-point moved,
store identical content once; and every committed chunk is searchable."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.testing import HashEmbedder


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _corpus(root: Path) -> Path:
    _write(root / "a.md", "# Apples\n\nApples grow on trees in orchards.\n")
    _write(root / "b.txt", "Bananas are yellow and grow in bunches.")
    _write(root / "sub" / "c.txt", "Cherries are small red stone fruits.")
    return root


def test_first_run_indexes_and_search_finds(engine: Engine, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "docs")
    report = engine.library.index([root])
    assert (report.files_indexed, report.files_failed) == (3, 0)
    assert report.chunks >= 3
    hits = engine.library.search("yellow bananas", k=3)
    assert hits[0].path == str(root / "b.txt")
    assert hits[0].rank == 1 and hits[0].text.startswith("Bananas")
    st = engine.library.status()
    assert st.documents == 3 and st.vectors == st.chunks


def test_second_run_skips_everything(
    engine: Engine, embedder: HashEmbedder, tmp_path: Path
) -> None:
    root = _corpus(tmp_path / "docs")
    engine.library.index([root])
    calls = embedder.calls
    report = engine.library.index([root])
    assert report.files_unchanged == 3 and report.files_indexed == 0
    assert embedder.calls == calls  # nothing re-embedded


def test_touched_file_is_not_reembedded(
    engine: Engine, embedder: HashEmbedder, tmp_path: Path
) -> None:
    root = _corpus(tmp_path / "docs")
    engine.library.index([root])
    texts = embedder.texts_embedded
    os.utime(root / "b.txt", (1_000_000_000, 1_000_000_000))
    report = engine.library.index([root])
    assert report.files_unchanged == 3
    assert embedder.texts_embedded == texts


def test_changed_file_replaces_its_chunks(engine: Engine, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "docs")
    engine.library.index([root])
    _write(root / "b.txt", "Blueberries are blue and tiny.")
    report = engine.library.index([root])
    assert report.files_indexed == 1 and report.files_unchanged == 2
    texts = [h.text for h in engine.library.search("blueberries blue tiny", k=5)]
    assert "Blueberries are blue and tiny." in texts
    assert all("Bananas" not in t for t in texts)
    st = engine.library.status()
    assert st.documents == 3 and st.vectors == st.chunks
    db = engine._parts.store.db
    blobs = db.execute("SELECT count(*) FROM blobs").fetchone()[0]
    assert blobs == 3  # the old content of b.txt is gone, not orphaned


def test_deleted_file_is_removed(engine: Engine, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "docs")
    engine.library.index([root])
    (root / "sub" / "c.txt").unlink()
    report = engine.library.index([root])
    assert report.files_removed == 1
    assert all("Cherries" not in h.text for h in engine.library.search("cherries red stone", k=5))
    st = engine.library.status()
    assert st.documents == 2 and st.vectors == st.chunks


def test_moved_file_is_repointed_not_reembedded(
    engine: Engine, embedder: HashEmbedder, tmp_path: Path
) -> None:
    root = _corpus(tmp_path / "docs")
    engine.library.index([root])
    texts = embedder.texts_embedded
    shutil.move(root / "sub" / "c.txt", root / "moved-c.txt")
    report = engine.library.index([root])
    assert embedder.texts_embedded == texts
    assert report.files_moved == 1 and report.files_removed == 1
    hit = engine.library.search("cherries stone fruits", k=1)[0]
    assert hit.path == str(root / "moved-c.txt")


def test_identical_files_are_stored_once(
    engine: Engine, embedder: HashEmbedder, tmp_path: Path
) -> None:
    root = tmp_path / "docs"
    body = "Durian is a pungent fruit from Southeast Asia. " * 5
    for name in ("d1.txt", "d2.txt", "nested/d3.txt"):
        _write(root / name, body)
    report = engine.library.index([root])
    assert report.files_indexed == 1 and report.files_deduplicated == 2
    assert embedder.texts_embedded == report.chunks
    st = engine.library.status()
    assert st.documents == 3 and st.chunks == report.chunks


def test_remove_forgets_a_folder(engine: Engine, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "docs")
    engine.library.index([root])
    assert engine.library.remove([root / "sub"]) == 1
    assert engine.library.status().documents == 2
    assert (root / "sub" / "c.txt").exists()  # the file itself is untouched


def test_missing_path_is_a_clear_error_and_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    import pytest

    from sourcewise.core.errors import SourcewiseError

    with pytest.raises(SourcewiseError, match="no such file or folder"):
        engine.library.index([tmp_path / "nope"])
    assert engine.library.status().documents == 0


def test_collections_and_filters(engine: Engine, tmp_path: Path) -> None:
    from sourcewise.core.types import SearchFilters

    a = _write(tmp_path / "work" / "plan.md", "# Plan\n\nThe launch plan covers rockets.")
    b = _write(tmp_path / "home" / "note.txt", "A note about rockets for the kids.")
    engine.library.index([a.parent], "work")
    engine.library.index([b.parent], "home")
    only_work = engine.library.search("rockets", k=5, filters=SearchFilters(collections=("work",)))
    assert {h.path for h in only_work} == {str(a)}
    only_txt = engine.library.search("rockets", k=5, filters=SearchFilters(file_types=("txt",)))
    assert {h.path for h in only_txt} == {str(b)}
    globbed = engine.library.search("rockets", k=5, filters=SearchFilters(path_glob="*/work/*"))
    assert {h.path for h in globbed} == {str(a)}
    future = engine.library.search(
        "rockets", k=5, filters=SearchFilters(modified_since=4_102_444_800)
    )
    assert future == []


def test_index_survives_reopen(tmp_path: Path) -> None:
    from tests.engine.conftest import fake_engine

    root = _corpus(tmp_path / "docs")
    first = fake_engine(tmp_path / "home")
    first.library.index([root])
    first.close()
    again = fake_engine(tmp_path / "home")
    assert again.library.search("apples orchards", k=1)[0].path == str(root / "a.md")
    assert again.library.status().vectors == again.library.status().chunks
    again.close()


def test_rerank_depth_shrinks_when_dense_and_keyword_agree() -> None:
    from sourcewise.core.retrieve.search import confident

    assert confident({1: 0.9, 2: 0.5}, {1: 7.0, 3: 2.0})
    assert not confident({1: 0.9, 2: 0.5}, {3: 7.0, 1: 2.0})
    assert not confident({}, {1: 1.0})


def test_search_reranks_fewer_when_confident(tmp_path: Path) -> None:
    from collections.abc import Sequence

    import numpy as np

    from sourcewise.core.factory import build_engine
    from tests.engine.conftest import fake_settings

    class CountingReranker:
        def __init__(self) -> None:
            self.sizes: list[int] = []

        def warm_up(self) -> None:
            """Nothing to load."""

        def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
            self.sizes.append(len(passages))
            return np.asarray([float(len(set(query.split()) & set(p.split()))) for p in passages],
                              dtype=np.float32)  # fmt: skip

    root = tmp_path / "docs"
    for i in range(12):
        _write(root / f"n{i}.txt", f"Note {i} mentions shared words like report and plan.")
    _write(root / "target.txt", "Zanzibar spice trade history.")
    reranker = CountingReranker()
    eng = build_engine(fake_settings(tmp_path / "home"), embedder=HashEmbedder(), chat_model=None,
                       reranker=reranker)  # fmt: skip
    eng.library.index([root])
    top = eng.library.search("Zanzibar spice trade history", k=5)
    assert top[0].path.endswith("target.txt") and "rerank" in top[0].scores
    assert reranker.sizes[-1] == 3  # dense and BM25 agreed: only the top 3 were scored
    eng.settings.retrieval.rerank_skip_confident = False
    eng.library.search("Zanzibar spice trade history", k=5)
    depth = eng.settings.retrieval.rerank_candidates
    assert depth > 3 and reranker.sizes[-1] == depth  # the configured candidate count
    eng.close()
