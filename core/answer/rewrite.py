"""Follow-up rewriting: "and in 2021?" becomes a standalone query before retrieval.

The rewriter is injected into the answerer (tests pass their own); the default asks the chat
model and checks what comes back: one line that reads as a question about the conversation,
not a refusal, an answer, or an echo of the prompt. Anything else falls back to carrying the
previous question's terms, which retrieval handles well enough.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from sourcewise.core.answer import prompts
from sourcewise.core.answer.guard import is_decline
from sourcewise.core.llm.base import ChatModel
from sourcewise.core.progress import CancelToken
from sourcewise.core.types import ChatTurn

Rewriter = Callable[[str, Sequence[ChatTurn], "CancelToken | None"], str]

_FOLLOW_UP = re.compile(
    r"^\s*(and|what about|how about|also|but|so|then|or|why|same)\b|\b(it|its|they|them|that|this|those|these|he|she|there)\b",
    re.I,
)  # fmt: skip
_MAX_HISTORY_CHARS = 1500
_WORD = re.compile(r"[^\W_]{3,}")
_LABEL = re.compile(r"^(?:standalone question|rewritten question|question)\s*:\s*", re.I)


def looks_like_follow_up(question: str) -> bool:
    return len(question.split()) <= 6 or bool(_FOLLOW_UP.search(question))


def carry_over(question: str, history: Sequence[ChatTurn]) -> str:
    """The cheap rewrite: the previous question's words, then the new one."""
    users = [t.content for t in history if t.role == "user"]
    return f"{users[-1]} {question}" if users else question


class ModelRewriter:
    """Rewrites follow-ups with the chat model, validating its reply."""

    def __init__(self, model: ChatModel, max_tokens: int = 48) -> None:
        self.model = model
        self.max_tokens = max_tokens

    def __call__(
        self, question: str, history: Sequence[ChatTurn], cancel: CancelToken | None = None
    ) -> str:
        if not any(t.role == "user" for t in history) or not looks_like_follow_up(question):
            return question
        convo = "\n".join(f"{t.role}: {t.content}" for t in history[-4:])[-_MAX_HISTORY_CHARS:]
        prompt = prompts.REWRITE.format(history=convo, question=question)
        pieces = []
        for piece in self.model.stream_chat([{"role": "user", "content": prompt}],
                                            max_tokens=self.max_tokens, temperature=0.0,
                                            cancel=cancel):  # fmt: skip
            pieces.append(piece)
            if "\n" in "".join(pieces).strip():
                break  # one line is all that is used
        if cancel is not None:
            cancel.check()
        line = validated(first_line("".join(pieces)), question, history)
        return line or carry_over(question, history)


def first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return _LABEL.sub("", lines[0]).strip().strip("\"'") if lines else ""


def validated(line: str, question: str, history: Sequence[ChatTurn]) -> str:
    """``line`` when it is a plausible standalone question, else ""."""
    if not 3 <= len(line) <= max(200, 3 * len(question)):
        return ""
    if is_decline(line) or "conversation:" in line.lower() or line.startswith("["):
        return ""
    words = {w.lower() for w in _WORD.findall(line)}
    context = {w.lower() for t in [*history[-4:], ChatTurn("user", question)]
               for w in _WORD.findall(t.content)}  # fmt: skip
    # A rewrite resolves references with the conversation's words; one sharing none is made up.
    return line if words & context else ""
