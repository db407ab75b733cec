"""The one place an :class:`Engine` is assembled from settings.

Components come from settings (model names resolve through the manifest) unless a caller
injects its own: tests pass a hash embedder and an echo chat model, never detected at run time.
The names ``hash`` (or ``hash-<dim>``, the name the fake reports) and ``echo`` select those
fakes (:mod:`sourcewise.core.testing`) from configuration, for subprocess tests and for the
previous model's embedder that search uses while a change of model re-embeds.
"""

from __future__ import annotations

import re

from sourcewise.core.components import Makers
from sourcewise.core.embed.base import Embedder
from sourcewise.core.engine import Engine
from sourcewise.core.engine.parts import Parts
from sourcewise.core.llm.base import ChatModel
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.retrieve.rerank import Reranker
from sourcewise.core.settings import Settings
from sourcewise.core.types import LibraryCheck, ModelServerCheck

_UNSET: object = object()


def build_engine(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    chat_model: ChatModel | object | None = _UNSET,
    reranker: Reranker | object | None = _UNSET,
) -> Engine:
    models = ModelStore(settings)
    # Injected components stay when settings change; those made here are remade.
    makers = Makers(
        embedder=make_embedder if embedder is None else None,
        chat_model=make_chat_model if chat_model is _UNSET else None,
        reranker=make_reranker if reranker is _UNSET else None,
    )
    parts = Parts(
        settings,
        models=models,
        embedder=embedder or make_embedder(settings, models),
        chat_model=make_chat_model(settings, models) if chat_model is _UNSET else chat_model,  # type: ignore[arg-type]
        reranker=make_reranker(settings, models) if reranker is _UNSET else reranker,  # type: ignore[arg-type]
        makers=makers,
    )
    return Engine(parts)


def make_embedder(settings: Settings, models: ModelStore) -> Embedder:
    name = settings.embed.model
    if name == "hash" or re.fullmatch(r"hash-\d+", name):  # hash-32: the fake's 32-d size
        from sourcewise.core.testing.embedder import HashEmbedder

        return HashEmbedder(int(name[5:] or 64))
    spec = models.spec(name)
    if spec.format == "onnx":
        from sourcewise.core.embed.onnx import OnnxEmbedder

        return OnnxEmbedder(name, spec.dimension or 384, lambda: models.path(name), settings.embed,
                            query_prefix=spec.query_instruction or "")  # fmt: skip
    if (model := models.converted(name)) is not None:
        # The INT8 ONNX graph made at install: 5-8x the F32 runtime's chunks/s on 2 cores,
        # under the same name (an index built by either is searched by the other; see
        # embed/gemma_onnx.py for why that is close enough).
        from sourcewise.core.embed.gemma_onnx import GemmaOnnxEmbedder

        return GemmaOnnxEmbedder(name, spec.dimension or 768, lambda: models.path(name),
                                 lambda: model, settings.embed,
                                 query_prefix=spec.query_instruction or "",
                                 document_prefix=spec.document_instruction or "",
                                 max_tokens=spec.context_length)  # fmt: skip
    # No conversion (or it failed at install): the folder's own runtime, slower.
    from sourcewise.core.embed.sentence import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name, spec.dimension or 384, lambda: models.path(name),
                                       settings.embed, query_prefix=spec.query_instruction or "",
                                       document_prefix=spec.document_instruction or "",
                                       max_tokens=spec.context_length)  # fmt: skip


def make_chat_model(settings: Settings, models: ModelStore) -> ChatModel | None:
    if settings.llm.backend == "openai":  # a server the user runs: the one connection we make
        from sourcewise.core.llm.openai_server import OpenAIServerChatModel

        return OpenAIServerChatModel(settings.llm)
    if settings.llm.model == "echo":
        from sourcewise.core.testing.chat_model import EchoChatModel

        return EchoChatModel(settings.llm.context_size)
    from sourcewise.core.llm.llama import LlamaChatModel

    # The system prompt's KV state is kept on disk, so a cold `sourcewise ask` skips it.
    model: ChatModel = LlamaChatModel(settings.llm, models, state_dir=settings.llm_state_dir)
    return model


def make_reranker(settings: Settings, models: ModelStore) -> Reranker | None:
    if not settings.retrieval.rerank or settings.retrieval.rerank_model == "none":
        return None
    from sourcewise.core.retrieve.rerank import CrossEncoderReranker

    name = settings.retrieval.rerank_model
    return CrossEncoderReranker(lambda: models.path(name), settings.retrieval)


def check_library(settings: Settings) -> LibraryCheck:
    """Whether the library ``settings.store`` names can be reached, before an engine opens it
    (the desktop's "Test connection"): read-only, at most a few seconds; never raises."""
    from sourcewise.core.store.backends import check_library as check

    return check(settings)


def check_model_server(settings: Settings) -> ModelServerCheck:
    """Whether the model server ``settings.llm`` names answers and has its model, before an
    engine uses it (the desktop's "Test connection"): one request, a short timeout; never
    raises. Whatever ``llm.backend`` says: the test is asked for before it is chosen."""
    from sourcewise.core.llm.server_check import check_model_server as check

    return check(settings.llm)
