"""The embedder contract on the hash fake (fast), and under ``-m real`` on the default embedder
and on the multilingual one (skipped unless `sourcewise models install multilingual` ran)."""

from __future__ import annotations

import pytest

from sourcewise.core.embed.base import Embedder
from sourcewise.core.factory import make_embedder
from sourcewise.core.settings import Settings
from sourcewise.core.testing import HashEmbedder
from sourcewise.core.testing.contracts import EmbedderContract
from tests.contracts.conftest import installed

MULTILINGUAL = "embeddinggemma-300m"


class TestHashEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> Embedder:
        return HashEmbedder()


@pytest.mark.real
class TestDefaultEmbedder(EmbedderContract):
    """The shipped default (bge-small-en, INT8 ONNX), built by the product's factory."""

    @pytest.fixture(scope="class")
    @classmethod
    def embedder(cls, real_settings: Settings) -> Embedder:
        name = real_settings.embed.model
        embedder = make_embedder(real_settings, installed(real_settings, name))
        embedder.warm_up()
        return embedder


@pytest.mark.real
class TestMultilingualEmbedder(EmbedderContract):
    """EmbeddingGemma (F32, sentence-transformers), with its query and document prompts."""

    @pytest.fixture(scope="class")
    @classmethod
    def embedder(cls, real_settings: Settings) -> Embedder:
        settings = real_settings.model_copy(
            update={"embed": real_settings.embed.model_copy(update={"model": MULTILINGUAL})}
        )
        store = installed(settings, MULTILINGUAL, "sourcewise models install multilingual")
        embedder = make_embedder(settings, store)
        embedder.warm_up()
        return embedder
