"""Follow-up rewriting: "and in 2021?" becomes a standalone query before retrieval."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sourcewise.core.answer import prompts
from sourcewise.core.llm.base import ChatModel
from sourcewise.core.types import ChatTurn

_FOLLOW_UP = re.compile(
    r"^\s*(and|what about|how about|also|but|so|then|or|why|same)\b|\b(it|its|they|them|that|this|those|these|he|she|there)\b",
    re.I,
)  # fmt: skip
_MAX_HISTORY_CHARS = 1500


def looks_like_follow_up(question: str) -> bool:
    return len(question.split()) <= 6 or bool(_FOLLOW_UP.search(question))


def standalone_query(question: str, history: Sequence[ChatTurn], model: ChatModel | None) -> str:
    users = [t.content for t in history if t.role == "user"]
    if not users or not looks_like_follow_up(question):
        return question
    if model is not None and model.name != "echo":
        rewritten = _with_model(question, history, model)
        if rewritten:
            return rewritten
    return f"{users[-1]} {question}"  # the cheap fallback: carry the previous question's terms


def _with_model(question: str, history: Sequence[ChatTurn], model: ChatModel) -> str:
    convo = "\n".join(f"{t.role}: {t.content}" for t in history[-4:])[-_MAX_HISTORY_CHARS:]
    prompt = prompts.REWRITE.format(history=convo, question=question)
    out = "".join(
        model.stream_chat([{"role": "user", "content": prompt}], max_tokens=64, temperature=0.0)
    )
    line = out.strip().splitlines()[0].strip().strip('"') if out.strip() else ""
    return line if 3 <= len(line) <= 400 else ""
