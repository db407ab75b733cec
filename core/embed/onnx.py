"""ONNX Runtime backend for BERT-style embedders shipped as INT8 ONNX (bge-small-en).

Each text runs alone: the INT8 graph quantizes its activations
dynamically, with one scale per run, so a text embedded beside others got another vector
(cosine 0.995 to its vector alone) and two index builds of the same files ranked near-ties
differently. Alone, a passage's vector is the same in every build and made the way a query's
is; on two cores it is also a little faster (SciFact abstracts, alone on the machine: bge-small-en
35 chunks/s against 30 at 8 per run, EmbeddingGemma 9.1 against 8.6).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from sourcewise.core.embed.base import FolderEmbedder, Vectors
from sourcewise.core.settings import EmbedSettings

MAX_TOKENS = 512


class OnnxEmbedder(FolderEmbedder):
    def __init__(
        self,
        name: str,
        dim: int,
        locate: Callable[[], Path],
        settings: EmbedSettings,
        query_prefix: str = "",
        pooling: Literal["cls", "mean"] = "cls",
    ) -> None:
        super().__init__(name, dim, locate, settings)
        self._query_prefix = query_prefix
        self._pooling = pooling

    def _load(self) -> Any:
        session = make_session(self._locate() / "model.onnx", self._settings)
        self._inputs = {i.name for i in session.get_inputs()}
        return session

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.warm_up()
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        tok = self._tokens.tokenizer()
        encodings = tok.encode_batch(list(texts), add_special_tokens=True)
        for row, encoding in enumerate(encodings):  # alone: see the module's docstring
            out[row] = self._run([encoding.ids[:MAX_TOKENS]])[0]
        return out

    def embed_query(self, text: str) -> Vectors:
        vec: Vectors = self.embed_documents([self._query_prefix + text])[0]
        return vec

    def _run(self, batch: list[list[int]]) -> Vectors:
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for row, raw in enumerate(batch):
            # keep [SEP] (102 in BERT vocabularies) last when a text was truncated
            ids = [*raw[:-1], 102] if len(raw) == MAX_TOKENS else raw
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        hidden: Vectors = self._model.run(None, feed)[0]
        if hidden.ndim == 3:
            hidden = hidden[:, 0] if self._pooling == "cls" else _mean(hidden, mask)
        norms = np.linalg.norm(hidden, axis=1, keepdims=True)
        return np.asarray(hidden / np.maximum(norms, 1e-12), dtype=np.float32)


def _mean(hidden: Any, mask: Any) -> Any:
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)


def make_session(path: Path, settings: EmbedSettings) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    # Explicit thread counts: ORT's default spin-waiting threads fight the parser workers.
    opts.intra_op_num_threads = settings.threads or os.cpu_count() or 1
    opts.inter_op_num_threads = 1
    # No spin-waiting: idle ORT threads would burn the cores the parser workers need.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    providers = ["CPUExecutionProvider"]
    if (
        settings.device in ("auto", "cuda")
        and "CUDAExecutionProvider" in ort.get_available_providers()
    ):
        providers.insert(0, "CUDAExecutionProvider")
    return ort.InferenceSession(str(path), sess_options=opts, providers=providers)
