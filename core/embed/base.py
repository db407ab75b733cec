"""The embedder contract shared by real backends and the hash fake, and what the backends of
an installed model folder share."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from sourcewise.core.embed.tokens import TokenCounter
from sourcewise.core.settings import EmbedSettings

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


class FolderEmbedder:
    """The part of an :class:`Embedder` that every backend of an installed model folder
    (``locate()``) writes the same way: the name and dimension it reports, token counts from
    the folder's ``tokenizer.json`` without loading the model, and the model loaded once,
    under a lock, by the backend's ``_load`` (on :meth:`warm_up` or first use)."""

    def __init__(
        self, name: str, dim: int, locate: Callable[[], Path], settings: EmbedSettings
    ) -> None:
        self._name = name
        self._dim = dim
        self._locate = locate
        self._settings = settings
        self._model: Any = None
        self._lock = threading.Lock()
        self._tokens = TokenCounter(lambda: self._locate() / "tokenizer.json")

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                self._model = self._load()

    def _load(self) -> Any:
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        return self._tokens.count(text)


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
