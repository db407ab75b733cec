"""Cross-encoder reranking (ms-marco-MiniLM-L-12-v2, INT8 ONNX) on ONNX Runtime.

Pairs are truncated to a passage budget, sorted by length and padded only per batch: the cost
is roughly linear in real tokens, so no padding to 512.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from sourcewise.core.settings import RetrievalSettings

Scores = npt.NDArray[np.float32]
_BATCH = 16


class Reranker(Protocol):
    def warm_up(self) -> None: ...

    def score(self, query: str, passages: Sequence[str]) -> Scores:
        """Relevance logits, higher is better, one per passage."""
        ...


class CrossEncoderReranker:
    def __init__(self, locate: Callable[[], Path], settings: RetrievalSettings) -> None:
        self._locate = locate
        self._settings = settings
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._session is None:
                self._load()

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = self._locate()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = os.cpu_count() or 1
        opts.inter_op_num_threads = 1
        # No spin-waiting: idle ORT threads would burn the cores other work needs.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(folder / "model.onnx"), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tok.no_padding()
        # longest_first: a passage longer than the budget is cut as before, and a query that
        # alone overflows it (a pasted page, an unsplit CJK "sentence") is cut too, where
        # "only_second" raised "Sequence to truncate too short".
        tok.enable_truncation(max_length=self._settings.rerank_max_tokens, strategy="longest_first")
        self._tokenizer = tok

    def score(self, query: str, passages: Sequence[str]) -> Scores:
        self.warm_up()
        out = np.zeros(len(passages), dtype=np.float32)
        if not passages:
            return out
        encs = self._tokenizer.encode_batch([(query, p) for p in passages])
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        for start in range(0, len(order), _BATCH):
            rows = order[start : start + _BATCH]
            out[rows] = self._run([encs[i] for i in rows])
        return out

    def _run(self, encs: list[Any]) -> Scores:
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encs):
            n = len(enc.ids)
            ids[row, :n] = enc.ids
            types[row, :n] = enc.type_ids
            mask[row, :n] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = types
        logits = self._session.run(None, feed)[0]
        return np.asarray(logits.reshape(len(encs), -1)[:, 0], dtype=np.float32)
