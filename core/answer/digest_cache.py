"""Notes the model wrote about a section, kept on disk by what produced them.

The key is a hash of the model, its adapter and the exact messages (which hold the section's
text and the prompt wording): the same section of the same file, asked the same way, is never
read twice, while an edited file, another model or a reworded prompt reads it again. One small
JSON file per note; the folder is a cache and safe to delete.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sourcewise.core.llm.base import Message


class DigestCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(model: str, adapter: str | None, messages: Sequence[Message]) -> str:
        payload = json.dumps([model, adapter or "", list(messages)], sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def get(self, key: str) -> str | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing or damaged: read the section again
        text = data.get("text") if isinstance(data, dict) else None
        return text if isinstance(text, str) else None

    def put(self, key: str, text: str) -> None:
        """Written atomically (a temp file renamed), so a crash never leaves half a note."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"text": text}, f)
            os.replace(tmp, self.folder / f"{key}.json")
        except OSError:
            pass  # a full or read-only disk costs a re-read later, never the answer
