"""The FAISS layer: exact while small, IVF when large, filtered search, deletes, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sourcewise.core.store.vectors import VectorIndex


def _unit(n: int, dim: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_switches_to_ivf_and_keeps_answers(tmp_path: Path) -> None:
    vi = VectorIndex(16, tmp_path, exact_limit=100)
    ids = np.arange(1, 1001, dtype=np.int64)
    vecs = _unit(1000, 16, 0)
    assert vi.add(ids[:50], vecs[:50])
    assert vi.kind == "flat"
    assert not vi.add(ids[50:], vecs[50:])  # over the limit: the owner must rebuild
    vi.rebuild(ids, vecs)
    assert vi.kind == "ivf" and vi.ntotal == 1000
    found, scores = vi.search(vecs[123], 5)
    assert found[0] == 124 and scores[0] > 0.99
    allowed = np.array([7, 8, 9], dtype=np.int64)
    found, _ = vi.search(vecs[123], 5, allowed)
    assert set(found) <= {7, 8, 9}
    vi.remove(np.array([124], dtype=np.int64))
    assert 124 not in vi.search(vecs[123], 5)[0]
    assert vi.ntotal == 999


def test_ivf_retrains_when_doubled(tmp_path: Path) -> None:
    vi = VectorIndex(8, tmp_path, exact_limit=100)
    vecs = _unit(600, 8, 1)
    vi.rebuild(np.arange(200, dtype=np.int64), vecs[:200])
    assert vi.add(np.arange(200, 400, dtype=np.int64), vecs[200:400])
    assert not vi.add(np.arange(400, 600, dtype=np.int64), vecs[400:])  # 600 > 2 x 200


def test_save_and_load_by_generation(tmp_path: Path) -> None:
    vi = VectorIndex(8, tmp_path, exact_limit=100)
    vecs = _unit(300, 8, 2)
    vi.rebuild(np.arange(300, dtype=np.int64), vecs)
    vi.save(generation=7)
    again = VectorIndex(8, tmp_path, exact_limit=100)
    assert not again.load(generation=8)  # stale on disk: the owner rebuilds from SQLite
    assert again.load(generation=7)
    assert again.kind == "ivf" and again.ntotal == 300 and again.trained_on == 300
    assert again.search(vecs[5], 1)[0][0] == 5


def test_a_query_of_another_size_finds_nothing(tmp_path: Path) -> None:
    """A query embedded by the previous model just before a change of model swapped its
    vectors out gets no dense candidates, instead of a FAISS assertion."""
    vi = VectorIndex(16, tmp_path, exact_limit=100)
    vecs = _unit(10, 16, 1)
    vi.rebuild(np.arange(1, 11, dtype=np.int64), vecs)
    assert vi.search(vecs[3], 1)[0].tolist() == [4]
    found, scores = vi.search(_unit(1, 8, 2)[0], 3)
    assert len(found) == 0 and len(scores) == 0
