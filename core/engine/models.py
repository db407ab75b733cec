"""The models part of the facade: which models the engine runs (and which of them are not
installed), loading them ahead of the first question, and the chat model's plain reply to a
prompt. No model object leaves it; the models a user can choose and install are
:class:`~sourcewise.core.model_catalog.ModelCatalog`'s, which needs no engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sourcewise.core.engine.parts import Parts
from sourcewise.core.model_catalog import ModelCatalog
from sourcewise.core.types import ModelInfo, ModelsInUse, TokenCallback

if TYPE_CHECKING:
    from sourcewise.core.llm.base import Message
    from sourcewise.core.progress import CancelToken


class Models:
    """The engine's models (``engine.models``)."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def in_use(self) -> ModelsInUse:
        """The chat model's name ("" when none is configured), the embedder's, whether a
        re-ranker runs (what an eval report records, and the name ``serve`` answers under),
        and the manifest models these components load that are not installed (``missing``:
        a few file checks, no model is loaded). Components injected by tests (hash embedder,
        echo chat model, fake re-rankers) need none, nor does a chat model given as a GGUF
        path or served by a model server."""
        p = self._parts
        chat = p.chat_model.name if p.chat_model is not None else ""
        return ModelsInUse(chat, p.embedder.name, p.reranker is not None, self._missing())

    def _missing(self) -> list[ModelInfo]:
        from sourcewise.core.retrieve.rerank import CrossEncoderReranker

        p = self._parts
        names = [p.embedder.name]
        chat, llm = p.chat_model, p.settings.llm
        built_in = llm.backend == "llama" and llm.path is None
        if chat is not None and built_in and chat.name.split("+")[0] == llm.model:
            names.append(llm.model)  # the llama.cpp model named "<model>[+<adapter>]"
        if isinstance(p.reranker, CrossEncoderReranker):
            names.append(p.settings.retrieval.rerank_model)
        return ModelCatalog(p.settings, p.models).missing(names)

    def warm_up(self, *, chat_only: bool = False) -> None:
        """Load the models a first question needs and read the answer prompt's fixed prefix,
        so that question does not wait 15-20 s for them (the app calls this in the background
        at start; a model that is missing is left to the model banner to report).
        ``chat_only`` (``serve``): load the chat model alone, and say when there is none."""
        from sourcewise.core.answer.answerability import judge
        from sourcewise.core.errors import SourcewiseError
        from sourcewise.core.llm.base import LogprobsUnavailable
        from sourcewise.core.text import language

        p = self._parts
        if chat_only:
            p.require_chat_model().warm_up()
            return
        try:
            language.warm_up()  # every question's language is read before it is answered
            p.embedder.warm_up()
            if p.reranker is not None:
                p.reranker.warm_up()
            if p.chat_model is not None:
                p.chat_model.warm_up()
                judge(p.chat_model, "", "", 0.5)  # the system prompt's KV, kept for reuse
        except (SourcewiseError, LogprobsUnavailable, OSError):
            return

    def generate(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_token: TokenCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> str:
        """The chat model's reply to ``messages`` alone, without retrieval or checks (the
        tools' prompts: ``eval``'s closed-book modes, drafting gold questions), streamed
        through ``on_token``; ``llm.max_tokens`` and ``llm.temperature`` unless given.
        ModelError when no chat model is configured."""
        model, llm = self._parts.require_chat_model(), self._parts.settings.llm
        limit = llm.max_tokens if max_tokens is None else max_tokens
        heat = llm.temperature if temperature is None else temperature
        pieces = []
        for piece in model.stream_chat(messages, max_tokens=limit, temperature=heat, cancel=cancel):
            if on_token is not None:
                on_token(piece)
            pieces.append(piece)
        return "".join(pieces)
