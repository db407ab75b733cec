"""Combining ranked lists: dense + keyword fusion, and the cross-encoder blend after it.

Both steps are pure functions over ``{chunk_id: score}`` so the benchmark scores exactly what
the product runs. Measured on SciFact (bench/retrieval.py): a convex combination of per-query
z-scored scores beats reciprocal-rank fusion, because it keeps how far ahead a hit is, not only
its place; and blending the cross-encoder's z-score with the fused one beats reordering by the
cross-encoder alone (an MS MARCO model, weaker off its own domain).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

Scores = dict[int, float]
Ranked = list[tuple[int, float]]
Fusion = Literal["convex", "rrf"]


def zscores(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Per-query standardisation: BM25 and cosine scores live on unrelated scales."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return arr
    spread = float(arr.std())
    return (arr - arr.mean()) / spread if spread > 1e-12 else np.zeros_like(arr)


def fuse_rrf(lists: Sequence[tuple[float, Scores]], k: int) -> Ranked:
    """Weighted reciprocal-rank fusion: ``sum(weight / (k + rank))``."""
    fused: dict[int, float] = {}
    for weight, scores in lists:
        for rank, cid in enumerate(sorted(scores, key=scores.__getitem__, reverse=True)):
            fused[cid] = fused.get(cid, 0.0) + weight / (k + rank + 1)
    return _sorted(fused)


def fuse_convex(
    lists: Sequence[tuple[float, Scores]], absent: Sequence[float | None] = ()
) -> Ranked:
    """Weighted sum of z-scored lists; the weights are normalised to sum to 1.

    A chunk missing from a list that was cut off ranked below the cut, so it takes the list's
    lowest z-score there rather than zero (zero is the mean, which would reward absence).
    A list that is complete (every match returned, fewer than were asked for) says more: a
    chunk missing from it scores ``absent[i]`` there (0 for BM25, which matched nothing), and
    the list is z-scored over every candidate with that value filled in. Without this, a
    keyword list of one element (the only file holding "819911") has a spread of zero, gives
    its match no credit, and dense search's noise decides.
    """
    total = sum(w for w, s in lists if s) or 1.0
    every = {c for _, scores in lists for c in scores}
    fused: dict[int, float] = {}
    parts: list[tuple[float, dict[int, float], float]] = []
    for i, (weight, scores) in enumerate(lists):
        if not scores:
            continue
        fill = absent[i] if i < len(absent) else None
        if fill is None:
            z = zscores(list(scores.values()))
            parts.append(
                (weight / total, dict(zip(scores, z.tolist(), strict=True)), float(z.min()))
            )
            continue
        missing = len(every) - len(scores)
        z = zscores([*scores.values(), *([fill] * missing)])
        floor = float(z[-1]) if missing else float(z.min())
        parts.append(
            (weight / total, dict(zip(scores, z[: len(scores)].tolist(), strict=True)), floor)
        )
    for cid in every:
        fused[cid] = sum(w * z.get(cid, floor) for w, z, floor in parts)
    return _sorted(fused)


def fuse(
    method: Fusion,
    dense: Scores,
    keyword: Scores,
    weights: tuple[float, float],
    rrf_k: int,
    keyword_complete: bool = False,
) -> Ranked:
    """``keyword_complete``: the keyword list holds every match (BM25 0 for the rest)."""
    lists = [(weights[0], dense), (weights[1], keyword)]
    if method == "rrf":
        return fuse_rrf(lists, rrf_k)
    return fuse_convex(lists, (None, 0.0 if keyword_complete else None))


def blend(
    rerank: Sequence[float] | np.ndarray, fused: Sequence[float] | np.ndarray, weight: float
) -> np.ndarray:
    """Final scores of reranked candidates: ``weight * z(rerank) + (1 - weight) * z(fused)``.

    ``weight`` 1.0 is the cross-encoder's order alone; 0.0 keeps the fused order.
    """
    return weight * zscores(rerank) + (1.0 - weight) * zscores(fused)


def _sorted(scores: dict[int, float]) -> Ranked:
    # Ties broken by chunk id so that a run is reproducible.
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
