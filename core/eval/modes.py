"""The four ways of answering that ``eval --compare`` measures.

``base``: the chat model alone, answering from what it learned (no retrieval); ``rag``: the
normal cited answer; ``lora`` and ``lora+rag``: the same two with a LoRA adapter applied.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sourcewise.core.engine import Engine
from sourcewise.core.llm.base import ChatModel, Message
from sourcewise.core.progress import CancelToken
from sourcewise.core.settings import Settings
from sourcewise.core.types import Answer, Timings

MODES = ("base", "rag", "lora", "lora+rag")

CLOSED_BOOK_SYSTEM = (
    "Answer the question concisely from your own knowledge. "
    "If you do not know the answer, say that you do not know."
)

ModelFor = Callable[[str | None], ChatModel]  # adapter name (None: no adapter) -> chat model


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


def asker(engine: Engine, model: ChatModel, mode: str, adapter: str | None = None) -> Asker:
    """Answers in ``mode`` with ``model``, made from the settings of ``adapter`` (the adapter,
    if any, is already in the model).

    The retrieval modes answer exactly as ``Engine.answers.ask`` does, through the engine's one
    answer pipeline (the judge threshold of this model and adapter, the router of answer modes);
    only the search is the plain one: evaluation runs are not user questions and stay out of
    the answer log.
    """
    if uses_retrieval(mode):
        pipeline = engine.answers.pipeline(model, settings=settings_for(engine, adapter))
        return lambda question, cancel: pipeline.ask(question, cancel=cancel)
    return lambda question, cancel: closed_book(engine, model, question, cancel)


def closed_book(
    engine: Engine, model: ChatModel, question: str, cancel: CancelToken | None
) -> Answer:
    """The model alone, answering from what it learned."""
    timings = Timings()
    start = time.perf_counter()
    pieces: list[str] = []
    for piece in model.stream_chat(closed_book_messages(question), cancel=cancel,
                                   max_tokens=engine.settings.llm.max_tokens,
                                   temperature=engine.settings.llm.temperature):  # fmt: skip
        if not pieces:
            timings.ttft_ms = (time.perf_counter() - start) * 1000
        pieces.append(piece)
    if cancel is not None:
        cancel.check()
    timings.total_ms = (time.perf_counter() - start) * 1000
    return Answer(question, "".join(pieces).strip(), standalone_query=question, timings=timings)


def settings_for(engine: Engine, adapter: str | None) -> Settings:
    """The settings a model with ``adapter`` is made from: the engine's own where its adapter
    setting matches, else the same with ``llm.adapter`` replaced."""
    if adapter == engine.settings.llm.adapter:
        return engine.settings
    llm = engine.settings.llm.model_copy(update={"adapter": adapter})
    return engine.settings.model_copy(update={"llm": llm})


def default_models(engine: Engine) -> ModelFor:
    """Chat models per adapter: the engine's own where its adapter setting matches, otherwise
    one built from the same settings with ``llm.adapter`` replaced (cached)."""
    from sourcewise.core.factory import make_chat_model
    from sourcewise.core.modelstore.store import ModelStore

    cache: dict[str | None, ChatModel] = {}

    def model_for(adapter: str | None) -> ChatModel:
        if adapter == engine.settings.llm.adapter:
            return engine.models.chat_model()
        if adapter not in cache:
            model = make_chat_model(settings_for(engine, adapter), ModelStore(engine.settings))
            if model is None:
                from sourcewise.core.errors import ModelError

                raise ModelError("no chat model is configured")
            cache[adapter] = model
        return cache[adapter]

    return model_for
