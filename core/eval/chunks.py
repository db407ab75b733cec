"""Indexed passages read straight from the index database (for sampling and distractors)."""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass

from sourcewise.core.engine import Engine

_MIN_TOKENS = 12


@dataclass(frozen=True)
class Passage:
    chunk_id: int
    path: str
    page: int | None
    heading: str
    text: str


def all_passages(engine: Engine, min_tokens: int = _MIN_TOKENS) -> list[Passage]:
    """Every indexed chunk of an indexed document, in a stable order (one path per content:
    identical files share chunks, the first path alphabetically stands for them)."""
    rows = engine.index_store.db.execute(
        "SELECT c.id, min(d.path), c.page_start, c.heading, c.text FROM chunks c "
        "JOIN documents d ON d.blob_id = c.blob_id AND d.status = 'indexed' "
        "WHERE c.tokens >= ? GROUP BY c.id ORDER BY c.id",
        [min_tokens],
    ).fetchall()
    return [Passage(int(r[0]), str(r[1]), None if r[2] is None else int(r[2]), str(r[3]),
                    str(r[4])) for r in rows]  # fmt: skip


def sample_passages(
    engine: Engine, n: int, seed: int = 0, exclude_paths: Collection[str] = ()
) -> list[Passage]:
    """Up to ``n`` passages chosen at random (reproducibly for a seed), spread over documents:
    each round takes one passage per document before any document gets a second."""
    rng = random.Random(seed)
    by_doc: dict[str, list[Passage]] = {}
    for p in all_passages(engine):
        if p.path not in exclude_paths:
            by_doc.setdefault(p.path, []).append(p)
    for passages in by_doc.values():
        rng.shuffle(passages)
    docs = sorted(by_doc)
    rng.shuffle(docs)
    out: list[Passage] = []
    while len(out) < n and any(by_doc.values()):
        for doc in docs:
            if by_doc[doc] and len(out) < n:
                out.append(by_doc[doc].pop())
    return out
