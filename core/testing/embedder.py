"""A deterministic, dependency-free embedder for fast tests: injected, or named ``hash`` in
settings (``embed.model``) for subprocess tests; never auto-selected.

Words are hashed into buckets (signed feature hashing) so texts sharing words are close, which
keeps retrieval tests meaningful without loading a model.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence

import numpy as np

from sourcewise.core.embed.base import Vectors
from sourcewise.core.text.words import WORD


@functools.lru_cache(maxsize=65536)
def _feature(word: str, dim: int) -> tuple[int, float]:
    """The word's bucket and sign (cached: real text repeats words a lot)."""
    digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little") % dim, 1.0 if digest[4] & 1 else -1.0


class HashEmbedder:
    """``variant`` names another model of the same size (its words hash elsewhere)."""

    def __init__(self, dim: int = 64, variant: str = "") -> None:
        self._dim = dim
        self._variant = variant
        self.calls = 0  # batches embedded: tests count them to prove nothing is re-embedded
        self.texts_embedded = 0

    @property
    def name(self) -> str:
        return f"hash-{self._dim}{self._variant}"

    @property
    def dim(self) -> int:
        return self._dim

    def warm_up(self) -> None:
        """Nothing to load."""

    def count_tokens(self, text: str) -> int:
        return len(WORD.findall(text))

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._vector(text)
        return out

    def embed_query(self, text: str) -> Vectors:
        return self._vector(text)

    def _vector(self, text: str) -> Vectors:
        vec = np.zeros(self._dim, dtype=np.float32)
        for word in WORD.findall(text.lower()):
            bucket, sign = _feature(self._variant + word, self._dim)
            vec[bucket] += sign
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0  # empty text still gets a valid unit vector
            return vec
        return vec / norm
