"""The four ways of answering that ``eval --compare`` measures.

``base``: the chat model alone, answering from what it learned (no retrieval); ``rag``: the
normal cited answer; ``lora`` and ``lora+rag``: the same two with a LoRA adapter applied.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sourcewise.core.engine import Engine
from sourcewise.core.llm.base import Message
from sourcewise.core.progress import CancelToken
from sourcewise.core.settings import Settings
from sourcewise.core.types import Answer, AskOptions, Timings

MODES = ("base", "rag", "lora", "lora+rag")

CLOSED_BOOK_SYSTEM = (
    "Answer the question concisely from your own knowledge. "
    "If you do not know the answer, say that you do not know."
)


def uses_retrieval(mode: str) -> bool:
    return mode in ("rag", "lora+rag")


def uses_adapter(mode: str) -> bool:
    return mode in ("lora", "lora+rag")


def closed_book_messages(question: str) -> list[Message]:
    """The prompt of the no-retrieval modes (and of plain question/answer tuning data)."""
    return [
        {"role": "system", "content": CLOSED_BOOK_SYSTEM},
        {"role": "user", "content": question},
    ]


Asker = Callable[[str, CancelToken | None], Answer]  # question, cancel -> answer
EngineFor = Callable[[str | None], Engine]  # adapter name (None: no adapter) -> its engine


def asker(engine: Engine, mode: str) -> Asker:
    """Answers in ``mode`` with ``engine`` (the engine of the mode's adapter, if any).

    The retrieval modes answer exactly as a user's question is answered: through
    ``engine.answers.ask`` (the judge threshold of this model and adapter, the router of
    answer modes), with ``record`` off: evaluation runs are not user questions and stay out
    of the answer log.
    """
    if uses_retrieval(mode):
        return lambda question, cancel: engine.answers.ask(
            question, AskOptions(cancel=cancel, record=False)
        )
    return lambda question, cancel: closed_book(engine, question, cancel)


def closed_book(engine: Engine, question: str, cancel: CancelToken | None) -> Answer:
    """The model alone, answering from what it learned."""
    timings = Timings()
    start = time.perf_counter()
    pieces: list[str] = []

    def first_token(piece: str) -> None:
        if not pieces:
            timings.ttft_ms = (time.perf_counter() - start) * 1000
        pieces.append(piece)

    text = engine.models.generate(closed_book_messages(question), on_token=first_token,
                                  cancel=cancel)  # fmt: skip
    if cancel is not None:
        cancel.check()
    timings.total_ms = (time.perf_counter() - start) * 1000
    return Answer(question, text.strip(), standalone_query=question, timings=timings)


def settings_for(settings: Settings, adapter: str | None) -> Settings:
    """The settings a model with ``adapter`` is made from: ``settings`` where its adapter
    setting matches, else the same with ``llm.adapter`` replaced."""
    if adapter == settings.llm.adapter:
        return settings
    llm = settings.llm.model_copy(update={"adapter": adapter})
    return settings.model_copy(update={"llm": llm})


class AdapterEngines:
    """The engine each adapter runs in: ``engine`` where its adapter setting matches, else
    one built (once, by ``build``; the factory's by default) from the same settings with
    ``llm.adapter`` replaced, over the same library. It loads its own models, as the adapter's
    chat model always had to be; :meth:`close` closes the engines built here."""

    def __init__(self, engine: Engine, build: Callable[[Settings], Engine] | None = None) -> None:
        self.engine = engine
        self._build = build
        self._built: dict[str | None, Engine] = {}

    def __call__(self, adapter: str | None) -> Engine:
        if adapter == self.engine.settings.llm.adapter:
            return self.engine
        if adapter not in self._built:
            if self._build is None:
                from sourcewise.core.factory import build_engine

                self._build = build_engine
            self._built[adapter] = self._build(settings_for(self.engine.settings, adapter))
        return self._built[adapter]

    def close(self) -> None:
        for engine in self._built.values():
            engine.close()
        self._built.clear()
