"""embed.model picks the backend; EmbeddingGemma gets its query and document prompts and its
token limit from the manifest (a fake sentence-transformers records what the model is fed)."""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from sourcewise.core.embed.onnx import OnnxEmbedder
from sourcewise.core.embed.sentence import SentenceTransformerEmbedder
from sourcewise.core.factory import make_embedder
from sourcewise.core.modelstore import ModelStore
from sourcewise.core.settings import Settings

GEMMA = "embeddinggemma-300m"


class FakeSentenceTransformer:
    loaded: ClassVar[list[dict[str, Any]]] = []
    fed: ClassVar[list[list[str]]] = []

    def __init__(self, path: str, **kwargs: Any) -> None:
        self.loaded.append({"path": path, **kwargs})
        self.max_seq_length = 2048

    def encode(self, texts: Sequence[str], **kwargs: Any) -> np.ndarray:
        self.fed.append(list(texts))
        assert kwargs["normalize_embeddings"]
        vecs = np.ones((len(texts), 768), dtype=np.float32)
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


@pytest.fixture
def gemma_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = Settings(home=tmp_path / "home", models_dir=tmp_path / "m", embed={"model": GEMMA})
    spec = ModelStore(settings).spec(GEMMA)
    folder = tmp_path / "m" / spec.target
    folder.mkdir(parents=True)
    with (folder / "model.safetensors").open("wb") as fh:
        fh.truncate(spec.size_bytes)  # sparse: "installed" by size, as the store checks
    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = FakeSentenceTransformer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    FakeSentenceTransformer.loaded, FakeSentenceTransformer.fed = [], []
    return settings


def test_embed_model_selects_the_multilingual_backend_with_its_prompts(
    gemma_settings: Settings,
) -> None:
    embedder = make_embedder(gemma_settings, ModelStore(gemma_settings))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.name == GEMMA and embedder.dim == 768
    assert FakeSentenceTransformer.loaded == []  # settings only; the model loads on first use
    docs = embedder.embed_documents(["Die Garantie gilt 18 Monate.", "Zweiter Text."])
    query = embedder.embed_query("How long is the warranty?")
    assert docs.shape == (2, 768) and query.shape == (768,)
    assert FakeSentenceTransformer.fed == [
        ["title: none | text: Die Garantie gilt 18 Monate.", "title: none | text: Zweiter Text."],
        ["task: search result | query: How long is the warranty?"],
    ]
    (load,) = FakeSentenceTransformer.loaded
    assert load["path"].endswith(GEMMA) and load["local_files_only"]
    assert load["truncate_dim"] is None  # the manifest's 768, the model's own size
    assert embedder._model.max_seq_length == 512  # the manifest's context_length


def test_a_matryoshka_size_below_the_model_s_truncates(gemma_settings: Settings) -> None:
    store = ModelStore(gemma_settings)
    small = SentenceTransformerEmbedder(GEMMA, 256, lambda: store.path(GEMMA),
                                        gemma_settings.embed, native_dim=768)  # fmt: skip
    small.warm_up()
    assert FakeSentenceTransformer.loaded[0]["truncate_dim"] == 256


def test_the_default_stays_the_english_onnx_embedder(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", models_dir=tmp_path / "m")
    embedder = make_embedder(settings, ModelStore(settings))
    assert isinstance(embedder, OnnxEmbedder) and embedder.name == "bge-small-en"
