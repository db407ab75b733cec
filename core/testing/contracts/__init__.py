"""Reusable contract tests for the engine's model protocols (they import pytest).

Each class holds the tests every implementation of one protocol must pass; inherit it in a
``Test...`` class and override the fixture that supplies the component (the way Haystack's
``haystack.testing.document_store`` tests document stores)::

    from sourcewise.core.testing.contracts import EmbedderContract

    class TestMyEmbedder(EmbedderContract):
        @pytest.fixture(scope="class")  # a real model: load it once for the class
        @classmethod
        def embedder(cls) -> Embedder:
            return MyEmbedder(...)

Class attributes (the texts, prompts and tolerances) can be overridden the same way.
"""

from sourcewise.core.testing.contracts.chat_model import ChatModelContract
from sourcewise.core.testing.contracts.embedder import EmbedderContract
from sourcewise.core.testing.contracts.reranker import RerankerContract
from sourcewise.core.testing.contracts.store import StoreContract

__all__ = ["ChatModelContract", "EmbedderContract", "RerankerContract", "StoreContract"]
