"""Run by test_crash_recovery in a subprocess: index a folder with a hash embedder that logs
every text it embeds (fsync'd, so the log survives kill -9) and is slowed down a little."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sourcewise.core.embed.base import Vectors
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.testing import HashEmbedder


class LoggingEmbedder(HashEmbedder):
    def __init__(self, log: Path) -> None:
        super().__init__()
        self._log = log.open("a", encoding="utf-8")

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        for text in texts:
            self._log.write(hashlib.sha1(text.encode()).hexdigest() + "\n")
        self._log.flush()
        os.fsync(self._log.fileno())
        time.sleep(0.05)
        return super().embed_documents(texts)


def main() -> None:
    home, folder, log = (Path(a) for a in sys.argv[1:4])
    settings = Settings(
        home=home, models_dir=home / "m", index={"parse_mode": "thread"}, embed={"batch_size": 4}
    )
    engine = build_engine(settings, embedder=LoggingEmbedder(log), chat_model=None, reranker=None)
    report = engine.library.index([folder])
    print(f"indexed {report.files_indexed}", flush=True)


if __name__ == "__main__":
    main()
