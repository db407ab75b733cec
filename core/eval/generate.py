"""Draft a gold set from the index: sample passages, ask the chat model for a question each.

Every drafted item keeps its passage's path and page as the gold source and is written with
``"reviewed": false``: a person should read, fix or drop each one before trusting the numbers.
When the model's reply cannot be parsed (a weak model, or the echo test model), a plain
template question stands in, so the command always yields a usable draft.
"""

from __future__ import annotations

import os
import re

from sourcewise.core.answer.citations import MARKER
from sourcewise.core.engine import Engine
from sourcewise.core.errors import NO_CHAT_MODEL, ModelError
from sourcewise.core.eval.chunks import sample_passages
from sourcewise.core.eval.gold import GoldItem, GoldSource
from sourcewise.core.llm.base import Message
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback
from sourcewise.core.text.sentences import first_sentence
from sourcewise.core.types import Passage

SYSTEM = "You write exam questions that test whether a reader understood a passage."
USER = (
    "Passage:\n\n{passage}\n\nWrite one question that this passage answers on its own, and "
    "its short answer taken from the passage. Reply in exactly two lines:\n"
    "Question: ...\nAnswer: ..."
)
_QUESTION = re.compile(r"^[\s*_#>-]*question[\s*_]*[:：][\s*_]*(.+)$", re.I | re.M)
_ANSWER = re.compile(r"^[\s*_#>-]*answer[\s*_]*[:：][\s*_]*(.+)$", re.I | re.M)
_MAX_PASSAGE_CHARS = 2000


def parse_reply(reply: str) -> tuple[str, str] | None:
    """(question, answer) from a ``Question: ... / Answer: ...`` reply, or None."""
    q, a = _QUESTION.search(reply), _ANSWER.search(reply)
    if q is None or a is None:
        return None
    question = MARKER.sub("", q.group(1)).strip().strip('"')
    answer = MARKER.sub("", a.group(1)).strip().strip('"')
    if len(question) < 8 or not answer:
        return None
    return (question if question.endswith("?") else question + "?"), answer


def template_question(p: Passage) -> tuple[str, str]:
    """A deterministic stand-in: what the document says about the passage's opening words."""
    body = " ".join(p.text.split())
    topic = p.heading.strip() or " ".join(body.split()[:6])
    page = f" on page {p.page}" if p.page else ""
    answer = first_sentence(body) or body[:200]
    return f"What does {os.path.basename(p.path)}{page} say about {topic}?", answer


def draft_item(engine: Engine, p: Passage, number: int, cancel: CancelToken | None) -> GoldItem:
    label = f"[1] {os.path.basename(p.path)}" + (f", page {p.page}" if p.page else "")
    messages: list[Message] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user",
         "content": USER.format(passage=f"{label}\n{p.text.strip()[:_MAX_PASSAGE_CHARS]}")},
    ]  # fmt: skip
    reply = engine.models.generate(messages, max_tokens=160, temperature=0.0, cancel=cancel)
    parsed = parse_reply(reply)
    question, answer = parsed or template_question(p)
    return GoldItem(
        id=f"gen{number:03d}",
        question=question,
        answer=answer,
        sources=[GoldSource(p.path, p.page)],
        answerable=True,
        reviewed=False,
        extra={"chunk_id": p.chunk_id, "generated_by": engine.models.in_use().chat_model,
               "template": parsed is None},
    )  # fmt: skip


def generate_gold(
    engine: Engine,
    n: int = 20,
    *,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> list[GoldItem]:
    """Draft up to ``n`` gold items from passages sampled (seeded) across the index."""
    if not engine.models.in_use().chat_model:  # say so now, not after sampling
        raise ModelError(NO_CHAT_MODEL)
    passages = sample_passages(engine, n, seed)
    items = []
    for i, p in enumerate(passages, start=1):
        if cancel is not None:
            cancel.check()
        items.append(draft_item(engine, p, i, cancel))
        if progress is not None:
            progress(Progress("generate", i, len(passages), items[-1].question))
    return items
