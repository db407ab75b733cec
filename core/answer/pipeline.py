"""The answer pipeline: the one way a question is answered, whoever asks it.

``Engine.answers.ask`` (so ``ask``, ``chat``, the desktop chat, ``serve``, ``mcp`` and
``sourcewise eval``) answers through :class:`AnswerPipeline`: the same chat model, search,
re-ranker and rewriter, the same answerability threshold (:func:`judge_threshold`, the policy
that maps the model and its adapter to a calibrated threshold), and the same router over the
registered answer modes (:mod:`sourcewise.core.answer.modes`: whole-document reading, the
passages). Only the bookkeeping around it differs: ``Engine.answers.ask`` hands in a search
that records what it found, for the answer log, or with ``record=False`` (eval) the plain
search, and nothing is logged.

Per-call options (:class:`~sourcewise.core.types.AskOptions`: ``max_tokens``, ``mode``) apply
to a copy of the settings made for that call: the server answers requests with one engine, so
its settings are never changed here.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from sourcewise.core.answer import modes
from sourcewise.core.answer.answerer import Answerer
from sourcewise.core.answer.digest_cache import DigestCache
from sourcewise.core.answer.document_answers import DocumentAnswerer
from sourcewise.core.answer.prompts import NOTHING_INDEXED
from sourcewise.core.answer.whole_document import DocumentReader
from sourcewise.core.llm.base import ChatModel
from sourcewise.core.llm.metered import MeteredChatModel
from sourcewise.core.retrieve.rerank import Reranker
from sourcewise.core.settings import Settings
from sourcewise.core.store.protocol import Store
from sourcewise.core.types import Answer, AskOptions, SearchFilters, SearchFn, TokenCallback

if TYPE_CHECKING:
    from sourcewise.core.modelstore.store import ModelStore


# -- the answerability policy ------------------------------------------------------------------
def running_adapter(settings: Settings, models: ModelStore) -> str | None:
    """The adapter the chat model runs with (``llm.adapter``, or the model's bundled one)."""
    from sourcewise.core.llm.adapters import adapter_name

    return adapter_name(settings.llm, models)


def judge_threshold(settings: Settings, models: ModelStore, adapter: str | None) -> float | None:
    """The chat model's calibrated answerability threshold: from its adapter's card with an
    adapter (an adapter changes the judgement), else from the manifest (a GGUF given by
    path, a model on a server, or one the manifest does not know, has none). None: the
    answerer never judges (``answer.answerable_threshold`` overrides either way)."""
    from sourcewise.core.errors import ModelError
    from sourcewise.core.llm.adapter_card import card_threshold

    llm = settings.llm
    if llm.backend != "llama" or llm.path is not None:
        return None
    if adapter:
        return card_threshold(settings, adapter)
    try:
        return models.spec(llm.model).answerable_threshold
    except ModelError:
        return None


# -- per-call options --------------------------------------------------------------------------
def capped(settings: Settings, max_tokens: int | None) -> Settings:
    """``settings`` for one answer of at most ``max_tokens`` (never beyond ``llm.max_tokens``:
    the context budget is planned for that); a copy, so concurrent answers keep theirs."""
    if max_tokens is None or max_tokens >= settings.llm.max_tokens:
        return settings
    llm = settings.llm.model_copy(update={"max_tokens": max(1, max_tokens)})
    return settings.model_copy(update={"llm": llm})


def nothing_indexed(question: str, on_token: TokenCallback | None) -> Answer:
    if on_token is not None:
        on_token(NOTHING_INDEXED)
    return Answer(question, NOTHING_INDEXED, abstained=True, reason=NOTHING_INDEXED)


class AnswerPipeline:
    """A configured answer pipeline. The constructor only stores its parts; the adapter and
    threshold are read (adapter files, the manifest) on first use."""

    def __init__(
        self,
        settings: Settings,
        model: ChatModel,
        search: SearchFn,
        reranker: Reranker | None,
        index: Store,
        models: ModelStore,
    ) -> None:
        self.settings = settings
        self.model = model
        self.search = search
        self.reranker = reranker
        self.index = index
        self.models = models

    @cached_property
    def adapter(self) -> str | None:
        """What the model runs with: judged with its threshold and logged by its name."""
        return running_adapter(self.settings, self.models)

    @cached_property
    def judge_threshold(self) -> float | None:
        return judge_threshold(self.settings, self.models, self.adapter)

    def answerer(
        self, settings: Settings | None = None, model: ChatModel | None = None
    ) -> Answerer:
        """The passage answerer (retrieve, judge, generate, cite) with this pipeline's parts."""
        return Answerer(settings or self.settings, model or self.model, self.search,
                        self.reranker, judge_threshold=self.judge_threshold)  # fmt: skip

    def documents(
        self, settings: Settings | None = None, model: ChatModel | None = None
    ) -> DocumentAnswerer:
        """Routing and whole-document reading with this pipeline's parts."""
        settings = settings or self.settings
        reader = DocumentReader(settings, model or self.model, self.reranker,
                                DigestCache(settings.digest_cache_dir))  # fmt: skip
        return DocumentAnswerer(reader, self.index, self.search)

    def ask(self, question: str, options: AskOptions | None = None) -> Answer:
        """One answer, routed as
        :meth:`Engine.answers.ask <sourcewise.core.engine.answers.Answers.ask>`
        documents; ``answer.usage`` counts the model's tokens for it. ``options.record`` is
        the caller's business (this pipeline logs nothing)."""
        options = options or AskOptions()
        if self.index.is_empty():
            return nothing_indexed(question, options.on_token)
        metered = MeteredChatModel(self.model)
        settings = capped(self.settings, options.max_tokens)
        call = modes.Call(
            settings, metered, self.search,
            replace(options, filters=options.filters or SearchFilters()),
            forced=options.mode or settings.reading.mode,
            per_call=settings is not self.settings,  # a max_tokens below llm.max_tokens
            answerer=lambda: self.answerer(settings, metered),
            documents=self.documents(settings, metered),
        )  # fmt: skip
        chosen, route = modes.route(question, call)
        answer = chosen.answer(question, route, call)
        hit_limit = not answer.abstained and metered.last_hit_limit
        answer.usage = metered.usage(truncated=call.cut or hit_limit)
        return answer
