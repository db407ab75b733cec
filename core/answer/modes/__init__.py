"""Answer modes and the router that picks one per question.

The registry below is the one list of ways to answer, in the order the router asks them: the
first mode whose ``route`` takes the question answers it (:mod:`.base` says what a mode is).
Adding a mode is a module with its class and one line here; ``Engine.answers.ask`` (so the desktop,
the CLI, ``serve`` and ``mcp``) and ``sourcewise eval`` answer through this router alike.
Whole-document reading comes before the passages, which take every question left over.
Comparisons of two documents are a kind of whole-document question (one reading path).
"""

from __future__ import annotations

from sourcewise.core.answer.modes.base import AnswerMode, Call
from sourcewise.core.answer.modes.document import DocumentMode
from sourcewise.core.answer.modes.passages import PassagesMode
from sourcewise.core.answer.routing import Route

MODES: list[AnswerMode] = [
    DocumentMode(),
    PassagesMode(),  # the fallback: keep it last
]


def register(mode: AnswerMode) -> AnswerMode:
    """Add ``mode`` to the registry, asked before the passage fallback; returns it."""
    MODES.insert(len(MODES) - 1, mode)
    return mode


def route(question: str, call: Call) -> tuple[AnswerMode, Route]:
    """The first registered mode that takes ``question``, with its route."""
    for mode in MODES:
        found = mode.route(question, call)
        if found is not None:
            return mode, found
    fallback = MODES[-1]
    return fallback, Route(fallback.name, "answer", "no mode took the question")


__all__ = ["MODES", "AnswerMode", "Call", "register", "route"]
