"""The passage mode: retrieve the top passages, judge, generate, cite. The router's fallback:
it takes every question no mode before it took."""

from __future__ import annotations

from sourcewise.core.answer.modes.base import Call
from sourcewise.core.answer.routing import Route
from sourcewise.core.types import Answer


class PassagesMode:
    name = "passages"

    def route(self, question: str, call: Call) -> Route | None:
        return Route("passages", "answer", "the top passages answer it")

    def answer(self, question: str, route: Route, call: Call) -> Answer:
        return call.answerer().ask(question, call.options)
