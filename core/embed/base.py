"""The embedder contract shared by real backends and the hash fake."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors. Constructors only store settings;
    the model loads on first use (or on ``warm_up``)."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def warm_up(self) -> None: ...

    def count_tokens(self, text: str) -> int:
        """Tokens the model would see for ``text`` (untruncated); chunk sizes use this."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors:
        """A (dim,) vector; models with a query instruction apply it here."""
        ...


def embed_by_length(
    embedder: Embedder,
    texts: Sequence[str],
    tokens: Sequence[int],
    batch_size: int,
    check: Callable[[], None],
) -> Vectors:
    """Embed in sub-batches of similar length in tokens (little padding), calling ``check``
    (a cancel check) between them so a cancel lands within one sub-batch's time.

    Sorting by characters instead padded SciFact's sub-batches by 25% (numbers and symbols are
    many tokens per character) against 7%, and bge-small-en embedded 20% fewer chunks per second.
    """
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=tokens.__getitem__)
    for start in range(0, len(order), batch_size):
        check()
        rows = order[start : start + batch_size]
        out[rows] = embedder.embed_documents([texts[i] for i in rows])
    return out
