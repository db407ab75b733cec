"""Indexed passages sampled for generated questions and distractors."""

from __future__ import annotations

import random
from collections.abc import Collection

from sourcewise.core.engine import Engine
from sourcewise.core.types import Passage

_MIN_TOKENS = 12


def all_passages(engine: Engine, min_tokens: int = _MIN_TOKENS) -> list[Passage]:
    """Every indexed passage long enough to ask about, in a stable order."""
    return engine.library.passages(min_tokens=min_tokens)


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
