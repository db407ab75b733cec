"""EmbeddingGemma as the INT8 ONNX graph made at install (core/modelstore/convert.py).

The graph holds the whole sentence-transformers pipeline (Gemma3 encoder, mean pooling, two
dense layers, normalisation): it takes Gemma token ids and their mask and returns the vector.
This class only tokenizes with the folder's own tokenizer.json (``<bos> text <eos>``, no BERT
[SEP]), adds the prompts the folder's sentence-transformers config defines, and batches by
length so a batch is padded only to its longest text.

Same model name (and dimension) as the F32 sentence-transformers runtime, on purpose: an index
built by either is searched by the other without re-embedding, which is what happens when a
conversion that failed at install is retried later. The two are close enough for that: on 50
XQuAD paragraphs (12 languages) the INT8 vector's cosine to the F32 one is 0.971 on average
(lowest 0.965), on 50 questions 0.987 (lowest 0.945) (bench/embedder_speed.py ``--cosine 50``),
and retrieval stayed within a point of F32 (XQuAD gold@1 0.958, SciFact nDCG@10 0.918 vs
0.923; docs/benchmarks.md). Queries of one runtime against an index of the other were not
measured; a user who wants one runtime throughout re-embeds by switching models.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sourcewise.core.embed.base import FolderEmbedder, Vectors
from sourcewise.core.embed.onnx import make_session
from sourcewise.core.settings import EmbedSettings

# The sliding-attention layers see |q - kv| < 512: the graph equals the model only up to this
# many tokens (see convert.export_int8), whatever the manifest's context_length says.
MAX_TOKENS = 512
PAD_ID = 0  # Gemma's <pad>; padded positions are masked out anyway


def folder_prompts(folder: Path) -> dict[str, str]:
    """The ``prompts`` of the folder's config_sentence_transformers.json ({} when absent):
    sentence-transformers prepends ``prompts["query"]`` and ``prompts["document"]``."""
    try:
        config = json.loads((folder / "config_sentence_transformers.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    prompts = config.get("prompts") if isinstance(config, dict) else None
    if not isinstance(prompts, dict):
        return {}
    return {k: v for k, v in prompts.items() if isinstance(k, str) and isinstance(v, str)}


class GemmaOnnxEmbedder(FolderEmbedder):
    def __init__(
        self,
        name: str,
        dim: int,
        locate: Callable[[], Path],
        locate_model: Callable[[], Path],
        settings: EmbedSettings,
        query_prefix: str = "",
        document_prefix: str = "",
        max_tokens: int | None = None,
    ) -> None:
        """``locate``: the sentence-transformers folder (tokenizer, prompts); ``locate_model``:
        the ONNX file. The prefixes are used only where the folder's config names no prompt.
        ``dim`` below the graph's 768 keeps the first ``dim`` values (Matryoshka)."""
        super().__init__(name, dim, locate, settings)
        self._locate_model = locate_model
        self._fallback = {"query": query_prefix, "document": document_prefix}
        self._prompts: dict[str, str] | None = None
        self._max_tokens = min(max_tokens or MAX_TOKENS, MAX_TOKENS)
        self._tokenizer: Any = None

    def _load(self) -> Any:
        return make_session(self._locate_model(), self._settings)

    def prompt(self, kind: str) -> str:
        """The prefix of a ``query`` or a ``document`` text, as sentence-transformers adds it."""
        if self._prompts is None:
            self._prompts = folder_prompts(self._locate())
        return self._prompts.get(kind, self._fallback.get(kind, ""))

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        prefix = self.prompt("document")
        return self._encode([prefix + t for t in texts])

    def embed_query(self, text: str) -> Vectors:
        vec: Vectors = self._encode([self.prompt("query") + text])[0]
        return vec

    def encode_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids as the model reads them: ``<bos> text <eos>``, cut to the maximum length
        with ``<eos>`` kept last (the tokenizer's own truncation leaves room for it)."""
        with self._lock:
            if self._tokenizer is None:
                from tokenizers import Tokenizer

                tok = Tokenizer.from_file(str(self._locate() / "tokenizer.json"))
                tok.enable_truncation(self._max_tokens)
                tok.no_padding()
                self._tokenizer = tok
        return [e.ids for e in self._tokenizer.encode_batch(list(texts), add_special_tokens=True)]

    def _encode(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        self.warm_up()
        for row, ids in enumerate(self.encode_ids(texts)):  # alone, as bge-small-en: INT8
            out[row] = self._run([ids])[0]  # activation scales are per run (onnx.py)
        return out

    def _run(self, batch: list[list[int]]) -> Vectors:
        input_ids, mask = pad(batch)
        vecs = np.asarray(self._model.run(None, {"input_ids": input_ids,
                                                   "attention_mask": mask})[0])  # fmt: skip
        vecs = vecs[:, : self._dim]  # Matryoshka: the first values are the smaller model
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return np.asarray(vecs / np.maximum(norms, 1e-12), dtype=np.float32)


def pad(batch: list[list[int]]) -> tuple[Any, Any]:
    """Right-padded int64 ids and their attention mask, as wide as the longest row."""
    width = max(len(ids) for ids in batch)
    input_ids = np.full((len(batch), width), PAD_ID, dtype=np.int64)
    mask = np.zeros_like(input_ids)
    for row, ids in enumerate(batch):
        input_ids[row, : len(ids)] = ids
        mask[row, : len(ids)] = 1
    return input_ids, mask
