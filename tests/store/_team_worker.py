"""Run by test_team_indexers in subprocesses, all on one team library (PostgreSQL):

    _team_worker.py index URL HOME FOLDER GO LOG   index FOLDER, logging each text embedded
    _team_worker.py search URL HOME GO STOP OUT    search until STOP exists, results to OUT

Each prints "ready" once its engine is open, then waits for the file GO, so the processes
start their work together."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sourcewise.core.embed.base import Embedder, Vectors
from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.testing import HashEmbedder


class LoggingEmbedder(HashEmbedder):
    """Slowed down a little, so two indexers overlap; logs a hash of every text it embeds."""

    def __init__(self, log: Path) -> None:
        super().__init__()
        self._log = log.open("a", encoding="utf-8")

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self._log.writelines(hashlib.sha1(t.encode()).hexdigest() + "\n" for t in texts)
        self._log.flush()
        time.sleep(0.02)
        return super().embed_documents(texts)


def engine(url: str, home: Path, embedder: Embedder) -> Engine:
    settings = Settings(
        home=home, models_dir=home / "m", index={"parse_mode": "thread", "parse_workers": 1},
        embed={"batch_size": 4}, store={"backend": "postgres", "url": url},
    )  # fmt: skip
    eng = build_engine(settings, embedder=embedder, chat_model=None, reranker=None)
    eng.library.status()  # connected and migrated before saying ready
    print("ready", flush=True)
    return eng


def wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.01)


def index(url: str, home: Path, folder: Path, go: Path, log: Path) -> None:
    eng = engine(url, home, LoggingEmbedder(log))
    wait_for(go)
    report = eng.library.index([folder])
    print(json.dumps({"indexed": report.files_indexed, "linked": report.files_deduplicated}))


def search(url: str, home: Path, go: Path, stop: Path, out: Path) -> None:
    """Every hit of every search must be a passage of an indexed document, and the library
    never shrinks while it is being indexed."""
    eng = engine(url, home, HashEmbedder())
    wait_for(go)
    searches, problems, counts, hits_seen = 0, [], [], 0
    while not stop.exists():
        i = searches % 40
        hits = eng.library.search(f"topic{i}word3 item {i}", k=5)
        counts.append(eng.library.status().documents)
        for hit in hits:
            found = eng.library.passages(chunk_id=hit.chunk_id)
            if not found or found[0].path != hit.path or found[0].text != hit.text:
                problems.append(f"{hit.path}#{hit.chunk_id} is not an indexed passage")
        hits_seen += len(hits)
        searches += 1
    result = {"searches": searches, "problems": problems, "counts": counts, "hits": hits_seen}
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    mode, url, home, *rest = sys.argv[1:]
    if mode == "index":
        index(url, Path(home), *(Path(a) for a in rest))
    else:
        search(url, Path(home), *(Path(a) for a in rest))
