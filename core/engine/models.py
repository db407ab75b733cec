"""The models part of the facade: which models the engine runs, which are missing, and
loading them ahead of the first question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sourcewise.core.engine.parts import Parts
from sourcewise.core.types import ModelInfo

if TYPE_CHECKING:
    from sourcewise.core.llm.base import ChatModel
    from sourcewise.core.model_library import ModelLibrary


class Models:
    """The engine's models (``engine.models``)."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    @property
    def library(self) -> ModelLibrary:
        """The manifest's models: listed, looked for on this machine, installed."""
        from sourcewise.core.model_library import ModelLibrary

        return ModelLibrary(self._parts.settings, self._parts.models)

    def in_use(self) -> dict[str, str | bool]:
        """The chat model's name ("" when none), the embedder's, and whether a re-ranker
        runs: what an eval report records."""
        p = self._parts
        return {"chat_model": p.chat_model.name if p.chat_model is not None else "",
                "embed_model": p.embedder.name, "reranker": p.reranker is not None}  # fmt: skip

    def missing(self) -> list[ModelInfo]:
        """Manifest models this engine's components load that are not installed. Components
        injected by tests (hash embedder, echo chat model, fake re-rankers) need none, nor
        does a chat model given as a GGUF path or served by a model server."""
        from sourcewise.core.retrieve.rerank import CrossEncoderReranker

        p = self._parts
        names = [p.embedder.name]
        chat, llm = p.chat_model, p.settings.llm
        built_in = llm.backend == "llama" and llm.path is None
        if chat is not None and built_in and chat.name.split("+")[0] == llm.model:
            names.append(llm.model)  # the llama.cpp model named "<model>[+<adapter>]"
        if isinstance(p.reranker, CrossEncoderReranker):
            names.append(p.settings.retrieval.rerank_model)
        return self.library.missing(names)

    def warm_up(self, *, chat_only: bool = False) -> None:
        """Load the models a first question needs and read the answer prompt's fixed prefix,
        so that question does not wait 15-20 s for them (the app calls this in the background
        at start; a model that is missing is left to the model banner to report).
        ``chat_only`` (``serve``): load the chat model alone, and say when there is none."""
        from sourcewise.core.answer.answerability import judge
        from sourcewise.core.errors import SourcewiseError
        from sourcewise.core.llm.base import LogprobsUnavailable

        p = self._parts
        if chat_only:
            p.require_chat_model().warm_up()
            return
        try:
            p.embedder.warm_up()
            if p.reranker is not None:
                p.reranker.warm_up()
            if p.chat_model is not None:
                p.chat_model.warm_up()
                judge(p.chat_model, "", "", 0.5)  # the system prompt's KV, kept for reuse
        except (SourcewiseError, LogprobsUnavailable, OSError):
            return

    def chat_name(self) -> str:
        """The chat model's name; ModelError when none is configured."""
        return self._parts.require_chat_model().name

    def chat_model(self) -> ChatModel:
        """For the tools that drive the chat model themselves (``eval``'s closed-book modes,
        ``tune``): the engine's own; ModelError when none is configured."""
        return self._parts.require_chat_model()
