"""sentence-transformers backend (torch), for all-MiniLM-L6-v2, EmbeddingGemma and other ST folders.

Prompts are plain prefixes: the models that have them (EmbeddingGemma's "task: search result |
query: " and "title: none | text: ") pool over the prompt's tokens too (``include_prompt``),
so a prefix gives the same vector as sentence-transformers' ``prompt=``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sourcewise.core.embed.base import FolderEmbedder, Vectors
from sourcewise.core.settings import EmbedSettings


class SentenceTransformerEmbedder(FolderEmbedder):
    def __init__(
        self,
        name: str,
        dim: int,
        locate: Callable[[], Path],
        settings: EmbedSettings,
        query_prefix: str = "",
        document_prefix: str = "",
        max_tokens: int | None = None,
        native_dim: int | None = None,
    ) -> None:
        """``max_tokens`` caps the sequence the model reads (its own limit when None);
        ``dim`` below ``native_dim`` keeps the first ``dim`` values (Matryoshka models only)."""
        super().__init__(name, dim, locate, settings)
        self._query_prefix = query_prefix
        self._document_prefix = document_prefix
        self._max_tokens = max_tokens
        self._truncate = dim if native_dim is not None and dim < native_dim else None

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub, even by accident
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(self._settings.threads or os.cpu_count() or 1)
        device = self._settings.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        model = SentenceTransformer(str(self._locate()), device=device, local_files_only=True,
                                    truncate_dim=self._truncate)  # fmt: skip
        if self._max_tokens:
            model.max_seq_length = min(self._max_tokens, model.max_seq_length or self._max_tokens)
        return model

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode([self._document_prefix + t for t in texts])

    def embed_query(self, text: str) -> Vectors:
        vec: Vectors = self._encode([self._query_prefix + text])[0]
        return vec

    def _encode(self, texts: list[str]) -> Vectors:
        self.warm_up()
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        # sentence-transformers sorts each batch by length itself, so padding stays small.
        out: Vectors = self._model.encode(
            texts,
            batch_size=self._settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)
