"""sentence-transformers backend (torch), for all-MiniLM-L6-v2 and other ST folders."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sourcewise.core.embed.base import Vectors
from sourcewise.core.embed.tokens import TokenCounter
from sourcewise.core.settings import EmbedSettings


class SentenceTransformerEmbedder:
    def __init__(
        self,
        name: str,
        dim: int,
        locate: Callable[[], Path],
        settings: EmbedSettings,
        query_prefix: str = "",
    ) -> None:
        self._name = name
        self._dim = dim
        self._locate = locate
        self._settings = settings
        self._query_prefix = query_prefix
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
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub, even by accident
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(self._settings.threads or os.cpu_count() or 1)
        device = self._settings.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        return SentenceTransformer(str(self._locate()), device=device, local_files_only=True)

    def count_tokens(self, text: str) -> int:
        return self._tokens.count(text)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.warm_up()
        # sentence-transformers sorts each batch by length itself, so padding stays small.
        out: Vectors = self._model.encode(
            list(texts),
            batch_size=self._settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        vec: Vectors = self.embed_documents([self._query_prefix + text])[0]
        return vec
