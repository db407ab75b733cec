"""A deterministic reranker for fast tests: relevance is the number of shared words.

Injected, never auto-selected (the settings name no fake reranker: ``rerank_model = "none"``
turns reranking off instead).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sourcewise.core.retrieve.rerank import Scores
from sourcewise.core.text.words import WORD


class OverlapReranker:
    """A fake cross-encoder: shared words minus 5, so unrelated text scores below -4 (the way a
    real cross-encoder's logits put unrelated passages well below zero)."""

    def warm_up(self) -> None:
        """Nothing to load."""

    def score(self, query: str, passages: Sequence[str]) -> Scores:
        words = set(WORD.findall(query.lower()))
        shared = [len(words & set(WORD.findall(p.lower()))) for p in passages]
        return np.asarray(shared, dtype=np.float32) - np.float32(5.0)
