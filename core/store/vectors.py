"""The FAISS ANN index, keyed by chunk id (``IndexIDMap2``): a rebuildable cache of SQLite.

Exact inner-product search while the corpus is small; HNSW once it passes
``exact_search_limit`` vectors. Saved atomically with a generation number: when the number on
disk differs from the database's (a crash between the two commits), the index is rebuilt from
the vectors stored in SQLite, so it can never silently disagree with the metadata.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import faiss as _faiss
import numpy as np
import numpy.typing as npt

# faiss ships a partial .pyi that lacks the SearchParameters family; use it untyped.
faiss: Any = _faiss

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]

_HNSW_M = 32
_HNSW_EF_CONSTRUCTION = 80
_HNSW_EF_SEARCH = 96


class VectorIndex:
    def __init__(self, dim: int, directory: Path, exact_limit: int) -> None:
        self.dim = dim
        self.directory = directory
        self.exact_limit = exact_limit
        self._index: Any = self._new("flat")
        self.kind = "flat"
        self.dirty = False  # removals on HNSW are applied by a rebuild

    @staticmethod
    def _new_inner(kind: str, dim: int) -> Any:
        if kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, _HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = _HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = _HNSW_EF_SEARCH
            return inner
        return faiss.IndexFlatIP(dim)

    def _new(self, kind: str) -> Any:
        return faiss.IndexIDMap2(self._new_inner(kind, self.dim))

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    def kind_for(self, count: int) -> str:
        return "hnsw" if count > self.exact_limit else "flat"

    def rebuild(self, ids: IdArray, vecs: FloatArray) -> None:
        """Replace the whole index (used at load on a generation mismatch and on kind change)."""
        self.kind = self.kind_for(len(ids))
        self._index = self._new(self.kind)
        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), ids)
        self.dirty = False

    def add(self, ids: IdArray, vecs: FloatArray) -> bool:
        """Add vectors; returns False when the index should be rebuilt as HNSW instead."""
        if self.kind == "flat" and self.ntotal + len(ids) > self.exact_limit:
            return False
        self._index.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), ids)
        return True

    def remove(self, ids: IdArray) -> None:
        if not len(ids):
            return
        if self.kind == "flat":
            self._index.remove_ids(faiss.IDSelectorArray(ids))
        else:
            self.dirty = True  # HNSW cannot delete; the owner rebuilds before the next search

    def search(
        self, query: FloatArray, k: int, allowed: IdArray | None = None
    ) -> tuple[IdArray, FloatArray]:
        """Top-k chunk ids and inner-product scores; ``allowed`` restricts inside the search."""
        if self.ntotal == 0 or k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (
                faiss.SearchParametersHNSW(sel=selector, efSearch=max(_HNSW_EF_SEARCH, k))
                if self.kind == "hnsw"
                else faiss.SearchParameters(sel=selector)
            )
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
        return True

    def save(self, generation: int) -> None:
        """Write index then sidecar, each via a temp file and an atomic rename."""
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self._file.with_suffix(".faiss.tmp")
        faiss.write_index(self._index, str(tmp))
        os.replace(tmp, self._file)
        meta = {"generation": generation, "dim": self.dim, "kind": self.kind}
        side_tmp = self._sidecar.with_suffix(".json.tmp")
        side_tmp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(side_tmp, self._sidecar)
