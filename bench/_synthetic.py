"""The synthetic corpus of bench/latency.py: the same chunks, vectors and queries for every
backend, generated in blocks from fixed seeds (so a 10k corpus is the first tenth of a 100k one,
and exact neighbours can be computed block by block without holding a million vectors).

Text is Zipf-distributed words (so keyword posting lists look like real ones); vectors are
drawn around 2,000 cluster centres (so IVF partitions look like real ones).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from sourcewise.core.store.rows import FloatArray

DIM = 384
BLOCK = 10_000  # chunks generated (and written) at a time
DOC_CHUNKS = 50  # chunks per synthetic document
WORDS = 40  # words per chunk
_VOCAB = [f"w{i}" for i in range(50_000)]
_CENTRES = np.random.default_rng(0).normal(size=(2000, DIM)).astype(np.float32)


def words(rng: np.random.Generator, n: int) -> list[str]:
    ranks = np.minimum(rng.zipf(1.2, size=n), len(_VOCAB)) - 1
    return [_VOCAB[r] for r in ranks]


def block_texts(start: int) -> list[str]:
    """The texts of chunks ``start + 1 .. start + BLOCK`` (chunk ids are 1-based)."""
    rng = np.random.default_rng([1, start])
    return [" ".join(words(rng, WORDS)) for _ in range(BLOCK)]


def block_vectors(start: int) -> FloatArray:
    """Unit vectors of chunks ``start + 1 .. start + BLOCK``, each near one cluster centre."""
    rng = np.random.default_rng([2, start])
    rows = np.arange(start, start + BLOCK) % len(_CENTRES)
    vecs = _CENTRES[rows] + rng.normal(scale=0.6, size=(BLOCK, DIM)).astype(np.float32)
    return np.asarray(vecs / np.linalg.norm(vecs, axis=1, keepdims=True), dtype=np.float32)


def blocks(n: int, have: int = 0) -> Iterator[tuple[int, int]]:
    """``(start, count)`` of each block still to write, from ``have`` chunks up to ``n``."""
    for start in range(have, n, BLOCK):
        yield start, min(BLOCK, n - start)


def queries(n: int, count: int) -> tuple[FloatArray, list[str]]:
    """Query vectors (stored vectors plus a little noise: real queries land near real data)
    and query texts (8 Zipf words), the same for every backend."""
    rng = np.random.default_rng(7)
    ids = np.sort(rng.choice(n, size=count, replace=False))
    base = np.empty((count, DIM), dtype=np.float32)
    for start in sorted({int(i) // BLOCK * BLOCK for i in ids}):
        inside = (ids >= start) & (ids < start + BLOCK)
        base[inside] = block_vectors(start)[ids[inside] - start]
    qv = base + rng.normal(scale=0.02, size=base.shape).astype(np.float32)
    qv = rng.permutation(qv)  # sorted ids would query one cluster region after another
    texts = [" ".join(words(rng, 8)) for _ in range(count)]
    return np.asarray(qv / np.linalg.norm(qv, axis=1, keepdims=True), dtype=np.float32), texts


def exact_top(n: int, qvecs: FloatArray, k: int = 10) -> list[set[int]]:
    """Each query's exact top-k chunk ids by inner product, scanning the corpus block by block."""
    best_ids = np.zeros((len(qvecs), 0), dtype=np.int64)
    best = np.zeros((len(qvecs), 0), dtype=np.float32)
    for start, count in blocks(n):
        scores = qvecs @ block_vectors(start)[:count].T
        ids = np.broadcast_to(np.arange(start + 1, start + count + 1), scores.shape)
        best = np.concatenate([best, scores], axis=1)
        best_ids = np.concatenate([best_ids, ids], axis=1)
        keep = np.argsort(-best, axis=1)[:, :k]
        best = np.take_along_axis(best, keep, axis=1)
        best_ids = np.take_along_axis(best_ids, keep, axis=1)
    return [set(row.tolist()) for row in best_ids]
