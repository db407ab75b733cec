"""The FAISS ANN index, keyed by chunk id (``IndexIDMap2``): a rebuildable cache of SQLite.

Exact inner-product search while the corpus is small; an inverted-file index (IVF) once it
passes ``exact_search_limit`` vectors. IVF rather than HNSW: on two cores it builds a
million-vector index in minutes rather than most of an hour, supports deletions in place, and
keeps filtered search (an ``IDSelector``) cheap. It is retrained when the corpus has doubled
since its centroids were learnt. Saved atomically with a generation number: when the number on
disk differs from the database's (a crash between the two commits), the index is rebuilt from
the vectors stored in SQLite, so it can never silently disagree with the metadata.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import faiss as _faiss
import numpy as np

from sourcewise.core.store.rows import FloatArray, IdArray

# faiss ships a partial .pyi that lacks the SearchParameters family; use it untyped.
faiss: Any = _faiss


_IVF_NPROBE = 24
_TRAIN_SAMPLE = 64 * 1024


class VectorIndex:
    def __init__(self, dim: int, directory: Path, exact_limit: int) -> None:
        self.dim = dim
        self.directory = directory
        self.exact_limit = exact_limit
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self.kind = "flat"
        self.trained_on = 0  # vectors present when the IVF centroids were trained
        self.dirty = False  # set when the index should be rebuilt before the next search

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    def kind_for(self, count: int) -> str:
        return "ivf" if count > self.exact_limit else "flat"

    def rebuild(self, ids: IdArray, vecs: FloatArray) -> None:
        """Replace the whole index (at load on a generation mismatch, on a kind change, and
        when an IVF index has outgrown its training)."""
        vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        self.kind = self.kind_for(len(ids))
        if self.kind == "ivf":
            self._index = _train_ivf(self.dim, vecs)
            self.trained_on = len(ids)
        else:
            self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
            self.trained_on = 0
        if len(ids):
            self._index.add_with_ids(vecs, ids)
        self.dirty = False

    def add(self, ids: IdArray, vecs: FloatArray) -> bool:
        """Add vectors; False means the caller should rebuild (switch to IVF, or retrain)."""
        after = self.ntotal + len(ids)
        if self.kind != self.kind_for(after) or (
            self.kind == "ivf" and after > 2 * self.trained_on
        ):
            return False
        self._index.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), ids)
        return True

    def remove(self, ids: IdArray) -> None:
        if len(ids):
            self._index.remove_ids(faiss.IDSelectorArray(ids))

    def search(
        self, query: FloatArray, k: int, allowed: IdArray | None = None
    ) -> tuple[IdArray, FloatArray]:
        """Top-k chunk ids and inner-product scores; ``allowed`` restricts inside the search."""
        # A query of another size was embedded by the model whose vectors a change of model
        # swapped out between the embedding and this search: no dense candidates this once.
        if self.ntotal == 0 or k <= 0 or query.size != self.dim:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (
                faiss.SearchParametersIVF(sel=selector, nprobe=_IVF_NPROBE)
                if self.kind == "ivf"
                else faiss.SearchParameters(sel=selector)
            )
        # One query: OpenMP threads cost more than they save (measured 24 ms vs 5.7 ms at 100k).
        with omp_threads(1):
            scores, ids = self._index.search(q, min(k, self.ntotal), params=params)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)

    # -- persistence ---------------------------------------------------------------------------
    @property
    def _file(self) -> Path:
        return self.directory / "chunks.faiss"

    @property
    def _sidecar(self) -> Path:
        return self.directory / "chunks.json"

    def load(self, generation: int) -> bool:
        """Load the saved index if it matches ``generation``; False means rebuild it."""
        try:
            meta = json.loads(self._sidecar.read_text(encoding="utf-8"))
            if meta.get("generation") != generation or meta.get("dim") != self.dim:
                return False
            self._index = faiss.read_index(str(self._file))
        except (OSError, ValueError, RuntimeError):
            return False
        self.kind = str(meta.get("kind", "flat"))
        self.trained_on = int(meta.get("trained_on", 0))
        return True

    def save(self, generation: int) -> None:
        """Write index then sidecar, each via a temp file and an atomic rename."""
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self._file.with_suffix(".faiss.tmp")
        faiss.write_index(self._index, str(tmp))
        os.replace(tmp, self._file)
        meta = {"generation": generation, "dim": self.dim, "kind": self.kind,
                "trained_on": self.trained_on}  # fmt: skip
        side_tmp = self._sidecar.with_suffix(".json.tmp")
        side_tmp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(side_tmp, self._sidecar)


@contextlib.contextmanager
def omp_threads(count: int) -> Iterator[None]:
    """FAISS on ``count`` OpenMP threads inside the block only: the count outlives the call,
    so a search that kept 1 would leave later IVF training and adds on one thread."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


def _train_ivf(dim: int, vecs: FloatArray) -> Any:
    """IVF-Flat with ~4*sqrt(n) lists, trained on a sample (k-means cost grows with it)."""
    nlist = max(16, int(4 * np.sqrt(len(vecs))))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    take = min(len(vecs), max(_TRAIN_SAMPLE, nlist * 40))
    sample = vecs[rng.choice(len(vecs), size=take, replace=False)] if take < len(vecs) else vecs
    index.train(np.ascontiguousarray(sample))
    index.nprobe = _IVF_NPROBE
    return index
