"""Token counting with a model's own fast tokenizer, without loading the model itself."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


class TokenCounter:
    def __init__(self, locate: Callable[[], Path]) -> None:
        self._locate = locate
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def tokenizer(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                from tokenizers import Tokenizer

                tok = Tokenizer.from_file(str(self._locate()))
                tok.no_truncation()  # count everything: chunk sizes must be honest
                tok.no_padding()
                self._tokenizer = tok
            return self._tokenizer

    def count(self, text: str) -> int:
        # Special tokens ([CLS], [SEP]) excluded: this measures the text itself.
        return len(self.tokenizer().encode(text, add_special_tokens=False).ids)
