"""What every answer mode is: a name, a rule for the questions it takes, and a way to answer.

A mode is a small class with ``name``, ``route(question, call)`` and ``answer(question,
route, call)``; the router (:mod:`sourcewise.core.answer.modes`) asks the registered modes in
order and the first whose ``route`` returns a :class:`Route` answers. ``call`` is everything
one question is answered with: the settings for this call, the metered chat model, the scope,
the callbacks, and the two built-in ways of answering (the passage answerer and whole-document
reading) for a mode to reuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sourcewise.core.answer.answerer import Answerer
from sourcewise.core.answer.document_answers import DocumentAnswerer
from sourcewise.core.answer.routing import Route
from sourcewise.core.llm.metered import MeteredChatModel
from sourcewise.core.settings import Settings
from sourcewise.core.types import Answer, AskOptions, SearchFilters, SearchFn


@dataclass
class Call:
    """One question's answering context (made by ``AnswerPipeline.ask``)."""

    settings: Settings  # capped to the call's max_tokens (a copy) or the pipeline's own
    model: MeteredChatModel  # counts the tokens of this answer
    search: SearchFn
    options: AskOptions  # the caller's: history, callbacks, cancel; filters always set
    forced: str  # reading.mode or the caller's mode: "auto" lets the router choose
    per_call: bool  # a max_tokens below llm.max_tokens was asked for
    answerer: Callable[[], Answerer]  # the passage answerer with these settings and model
    documents: DocumentAnswerer  # whole-document routing and reading with them
    cut: bool = False  # set by a mode that cut its answer to max_tokens (usage.truncated)

    @property
    def scope(self) -> SearchFilters:
        """What the search is limited to (the caller's filters)."""
        return self.options.filters or SearchFilters()


class AnswerMode(Protocol):
    """A way of answering a question (passages, whole documents, ...)."""

    name: str

    def route(self, question: str, call: Call) -> Route | None:
        """The route when this mode takes the question; None leaves it to the next mode."""
        ...

    def answer(self, question: str, route: Route, call: Call) -> Answer:
        """The answer, streamed through ``call.options.on_token``."""
        ...
