"""The whole-document mode: summaries, "list every ..." and comparisons of documents read
section by section (:mod:`sourcewise.core.answer.document_answers` routes and reads)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sourcewise.core.answer import citations as cit
from sourcewise.core.answer.modes.base import Call
from sourcewise.core.answer.routing import Route
from sourcewise.core.settings import Settings
from sourcewise.core.types import Answer

TokenCounter = Callable[[str], int]


class DocumentMode:
    name = "document"

    def route(self, question: str, call: Call) -> Route | None:
        route, targets = call.documents.route(question, call.scope, call.forced)
        return replace(route, targets=tuple(targets)) if route.mode == "document" else None

    def answer(self, question: str, route: Route, call: Call) -> Answer:
        settings = call.settings
        targets = list(route.targets)
        if not (call.per_call and _too_short_to_read(settings)):
            answer = call.documents.answer(question, route, targets,
                                           progress=call.options.progress,
                                           cancel=call.options.cancel)  # fmt: skip
            if call.per_call:  # the caller's max_tokens holds for a document's answer too
                call.cut = _cut(answer, settings.llm.max_tokens, call.model.count_tokens)
            if call.options.on_token is not None:
                call.options.on_token(answer.answer)
            return answer
        # A whole-document answer is at least a note per section: a reply capped below one
        # cannot carry it, and reading every section for it is work thrown away. One bounded
        # pass instead: the best passages of the documents meant.
        scope = replace(call.scope, documents=tuple(targets))
        answer = call.answerer().ask(question, replace(call.options, filters=scope))
        if not answer.abstained:
            answer.reason = answer.reason or _short_reason(route, settings)
        return answer


def _too_short_to_read(settings: Settings) -> bool:
    return settings.llm.max_tokens < settings.reading.section_max_tokens


def _short_reason(route: Route, settings: Settings) -> str:
    return (f"A reply of at most {settings.llm.max_tokens} tokens was asked for: answered from "
            f"the best passages instead of reading whole ({route.reason}).")  # fmt: skip


def _cut(answer: Answer, max_tokens: int, count: TokenCounter) -> bool:
    """Cut a whole-document answer (its notes joined, or one synthesis per part) to the
    caller's ``max_tokens``, at a word; its citations follow the text. True when cut."""
    text = answer.answer
    if count(text) <= max_tokens:
        return False
    words = text.split(" ")
    lo, hi = 0, len(words) - 1  # the most words that fit: fewer than all, as all do not
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(" ".join(words[:mid])) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    answer.answer = " ".join(words[:lo]).rstrip()
    kept = set(cit.cited_numbers(answer.answer))
    answer.citations = [c for c in answer.citations if c.n in kept]
    return True
