"""RAFT training prompts: retrieved context with the gold passage among distractors.

Each question/answer pair becomes the very prompt ``ask`` sends (the system prompt, numbered
sources rendered by :func:`sourcewise.core.answer.context.render`, the user template), with
the gold passage placed at a random number among passages from other documents, and the
answer citing that number after each sentence. The model learns to find and cite the right
passage rather than to memorise facts.
"""

from __future__ import annotations

import random

from sourcewise.core.answer import prompts
from sourcewise.core.answer.citations import MARKER
from sourcewise.core.answer.context import Source, render
from sourcewise.core.engine import Engine
from sourcewise.core.eval.chunks import sample_passages
from sourcewise.core.eval.metrics import token_overlap
from sourcewise.core.llm.base import Message
from sourcewise.core.text.sentences import sentences
from sourcewise.core.tune.data import Record
from sourcewise.core.types import SearchHit


def cite(answer: str, n: int) -> str:
    """The answer with ``[n]`` after every sentence (unchanged when it already cites)."""
    text = answer.strip()
    if MARKER.search(text):
        return text
    return " ".join(f"{s.text} [{n}]" for s in sentences(text))


def find_gold(engine: Engine, record: Record, k: int) -> SearchHit | None:
    """The passage that best contains the answer: searched with question and answer, limited
    to the record's source documents when it names them, ranked by answer-token overlap."""
    hits = engine.library.search(f"{record.question} {record.answer}", k)
    if record.source_paths:
        hits = [h for h in hits if h.path in record.source_paths] or hits
    if not hits:
        return None
    best = max(hits, key=lambda h: (token_overlap(record.answer, h.text), -h.rank))
    return best if token_overlap(record.answer, best.text) > 0 else hits[0]


def distractors(
    engine: Engine, record: Record, gold: SearchHit, n: int, seed: int
) -> list[SearchHit]:
    """``n`` passages from other documents: the question's own near misses first (hard
    negatives), then random passages."""
    out = [h for h in engine.library.search(record.question, n * 3) if h.path != gold.path][:n]
    if len(out) < n:
        taken = {h.chunk_id for h in out}
        for p in sample_passages(engine, n * 2, seed, exclude_paths={gold.path}):
            if p.chunk_id not in taken and len(out) < n:
                out.append(SearchHit(rank=0, score=0.0, path=p.path, page=p.page, chunk_id=p.chunk_id,
                                     heading=p.heading, text=p.text, start=0, end=len(p.text)))  # fmt: skip
    return out


def raft_messages(
    engine: Engine, record: Record, *, n_distractors: int = 3, seed: int = 0
) -> list[Message] | None:
    """The training conversation for one pair, or None when no gold passage is found."""
    if record.messages is not None:
        return record.messages
    k = engine.settings.answer.max_sources
    gold = find_gold(engine, record, k)
    if gold is None:
        return None
    hits = distractors(engine, record, gold, n_distractors, seed)
    rng = random.Random(f"{seed}:{record.question}")
    position = rng.randrange(len(hits) + 1)
    hits.insert(position, gold)
    sources = [Source(i, h, h.text, h.start, h.end) for i, h in enumerate(hits, start=1)]
    user = prompts.USER.format(sources=render(sources), question=record.question)
    return [
        {"role": "system", "content": prompts.SYSTEM},
        {"role": "user", "content": user},
        {"role": "assistant", "content": cite(record.answer, position + 1)},
    ]
