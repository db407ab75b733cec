"""The reranker contract on the word-overlap fake (fast) and on the default cross-encoder
(``-m real``)."""

from __future__ import annotations

import pytest

from sourcewise.core.factory import make_reranker
from sourcewise.core.retrieve.rerank import Reranker
from sourcewise.core.settings import Settings
from sourcewise.core.testing import OverlapReranker
from sourcewise.core.testing.contracts import RerankerContract
from tests.contracts.conftest import installed


class TestOverlapReranker(RerankerContract):
    @pytest.fixture
    def reranker(self) -> Reranker:
        return OverlapReranker()


@pytest.mark.real
class TestDefaultReranker(RerankerContract):
    """The shipped default (ms-marco-MiniLM-L-12-v2, INT8 ONNX), built by the product's factory."""

    @pytest.fixture(scope="class")
    @classmethod
    def reranker(cls, real_settings: Settings) -> Reranker:
        reranker = make_reranker(
            real_settings, installed(real_settings, real_settings.retrieval.rerank_model)
        )
        assert reranker is not None, "reranking is on by default"
        reranker.warm_up()
        return reranker
