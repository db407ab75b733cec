"""The contracts fail on broken components: each defect below is caught by the named test."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pytest

from sourcewise.core.embed.base import Vectors
from sourcewise.core.llm.base import Message
from sourcewise.core.progress import CancelToken
from sourcewise.core.retrieve.rerank import Scores
from sourcewise.core.testing import EchoChatModel, HashEmbedder, OverlapReranker
from sourcewise.core.testing.contracts import (
    ChatModelContract,
    EmbedderContract,
    RerankerContract,
)


class UnnormalisedEmbedder(HashEmbedder):
    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return super().embed_documents(texts) * 2.0


class BatchMixingEmbedder(HashEmbedder):
    """Leaks the batch into each vector (a pooling bug over padded rows, say)."""

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        out = super().embed_documents(texts)
        mixed = out + out.mean(axis=0)
        return np.asarray(mixed / np.linalg.norm(mixed, axis=1, keepdims=True), dtype=np.float32)


class TruncatingEmbedder(HashEmbedder):
    def count_tokens(self, text: str) -> int:
        return min(512, super().count_tokens(text))


class PositionReranker(OverlapReranker):
    """Favours earlier passages: a score that depends on the order."""

    def score(self, query: str, passages: Sequence[str]) -> Scores:
        bonus = np.arange(len(passages), 0, -1, dtype=np.float32) * 3.0
        return np.asarray(super().score(query, passages) + bonus, dtype=np.float32)


class DeafChatModel(EchoChatModel):
    """Ignores the cancel token and the token budget."""

    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        return super().stream_chat(messages, max_tokens=1000, temperature=temperature)


def test_the_embedder_contract_catches_unnormalised_vectors() -> None:
    with pytest.raises(AssertionError):
        EmbedderContract().test_vectors_are_unit_length_even_for_empty_text(UnnormalisedEmbedder())


def test_the_embedder_contract_catches_batch_dependent_vectors() -> None:
    with pytest.raises(AssertionError):
        EmbedderContract().test_a_text_embeds_alike_alone_and_in_a_batch(BatchMixingEmbedder())


def test_the_embedder_contract_catches_truncated_token_counts() -> None:
    contract = EmbedderContract()
    with pytest.raises(AssertionError):
        contract.test_token_counts_grow_with_the_text_and_are_not_truncated(TruncatingEmbedder())


def test_the_reranker_contract_catches_order_dependent_scores() -> None:
    contract = RerankerContract()
    with pytest.raises(AssertionError):
        contract.test_a_score_does_not_depend_on_the_order_of_the_passages(PositionReranker())
    with pytest.raises(AssertionError):
        contract.test_the_obviously_relevant_passage_scores_highest(PositionReranker())


def test_the_chat_model_contract_catches_a_stream_that_ignores_cancel_and_budget() -> None:
    contract = ChatModelContract()
    with pytest.raises(AssertionError):
        contract.test_a_cancel_after_the_first_piece_stops_the_stream(DeafChatModel())
    with pytest.raises(AssertionError):
        contract.test_a_cancel_before_the_call_yields_next_to_nothing(DeafChatModel())
    with pytest.raises(AssertionError):
        contract.test_a_small_max_tokens_cuts_the_reply_short(DeafChatModel())
