"""A query runs FAISS on one OpenMP thread, and leaves the thread count as it found it.

The count is global to FAISS's OpenMP runtime for the calling thread, so a search that set it
to 1 for good would leave the later IVF training and vector adds of the app on one thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np
import pytest

from sourcewise.core.store.vectors import VectorIndex, omp_threads
from tests import fakes

THREADS = 3  # any count other than 1 and the default shows a restore


@pytest.fixture
def many_threads() -> Iterator[None]:
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(THREADS)
    yield
    faiss.omp_set_num_threads(before)


def test_a_vector_search_restores_the_thread_count(tmp_path: Path, many_threads: None) -> None:
    vi = VectorIndex(4, tmp_path, exact_limit=100)
    vecs = np.eye(4, dtype=np.float32)
    vi.add(np.arange(1, 5, dtype=np.int64), vecs)
    assert vi.search(vecs[2], 1)[0].tolist() == [3]
    assert faiss.omp_get_max_threads() == THREADS


def test_an_engine_search_restores_the_thread_count(tmp_path: Path, many_threads: None) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The lighthouse keeper logs the tide every morning.")
    engine = fakes.fake_engine(tmp_path / "home")
    try:
        engine.library.index([docs])
        assert engine.library.search("lighthouse tide", k=1)[0].path.endswith("a.txt")
    finally:
        engine.close()
    assert faiss.omp_get_max_threads() == THREADS


def test_omp_threads_applies_inside_and_restores_after_an_error(many_threads: None) -> None:
    with pytest.raises(RuntimeError), omp_threads(1):
        assert faiss.omp_get_max_threads() == 1
        raise RuntimeError("search failed")
    assert faiss.omp_get_max_threads() == THREADS
