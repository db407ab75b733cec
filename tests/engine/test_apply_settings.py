"""``Engine.apply_settings``: the next call uses the new values, and exactly the components
whose settings changed are rebuilt (each field's ``rebuild`` mark)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from sourcewise.core.components import Makers, rebuilds_for
from sourcewise.core.engine import Engine
from sourcewise.core.engine.parts import Parts
from sourcewise.core.errors import ModelError
from sourcewise.core.factory import build_engine
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.settings import Settings, rebuild_fields
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from tests.engine.conftest import fake_settings


class CountingReranker:
    """Scores passages by length and remembers how many each query had."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def warm_up(self) -> None:
        pass

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        self.batches.append(len(passages))
        return np.array([float(len(p)) for p in passages], dtype=np.float32)


def _corpus(folder: Path, count: int = 30) -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"note-{i:02d}.txt").write_text(
            f"Harbour note {i}: the ferry to island {i} leaves at {i % 12 + 1} o'clock.",
            encoding="utf-8",
        )
    return folder


def _changed(settings: Settings, **groups: dict[str, object]) -> Settings:
    update = {g: getattr(settings, g).model_copy(update=v) for g, v in groups.items()}
    return settings.model_copy(update=update)


@pytest.fixture
def counted(tmp_path: Path) -> Iterator[tuple[Engine, CountingReranker]]:
    reranker = CountingReranker()
    settings = fake_settings(tmp_path / "home")
    settings.retrieval.rerank_skip_confident = False  # always rerank rerank_candidates
    engine = build_engine(settings, embedder=HashEmbedder(), chat_model=EchoChatModel(),
                          reranker=reranker)  # fmt: skip
    engine.library.index([_corpus(tmp_path / "docs")])
    yield engine, reranker
    engine.close()


def test_the_next_search_uses_new_retrieval_settings(
    counted: tuple[Engine, CountingReranker],
) -> None:
    engine, reranker = counted
    engine.library.search("ferry to the island")
    assert reranker.batches[-1] == engine.settings.retrieval.rerank_candidates == 5
    parts = engine.apply_settings(_changed(engine.settings, retrieval={"rerank_candidates": 2}))
    assert parts == {"searcher"}
    engine.library.search("ferry to the island")
    assert reranker.batches[-1] == 2  # the cached searcher kept 5 before
    engine.apply_settings(_changed(engine.settings, retrieval={"k": 3}))
    assert len(engine.library.search("ferry to the island")) == 3


def test_only_the_changed_components_are_rebuilt(tmp_path: Path) -> None:
    calls: list[tuple[str, Settings]] = []

    def maker(name: str, component: object):  # type: ignore[no-untyped-def]
        def make(settings: Settings, _models: ModelStore) -> object:
            calls.append((name, settings))
            return component

        return make

    settings = fake_settings(tmp_path / "home")
    new_chat, new_embedder = EchoChatModel(), HashEmbedder()
    makers = Makers(embedder=maker("embedder", new_embedder),  # type: ignore[arg-type]
                    chat_model=maker("chat_model", new_chat),  # type: ignore[arg-type]
                    reranker=maker("reranker", None))  # fmt: skip
    engine = Engine(Parts(settings, models=ModelStore(settings), embedder=HashEmbedder(),
                    chat_model=EchoChatModel(), reranker=None, makers=makers))  # fmt: skip
    try:
        old_index = engine._parts.store
        llm = _changed(settings, llm={"context_size": 2048})
        assert engine.apply_settings(llm, dry_run=True) == {"chat_model"}
        assert calls == [] and engine.settings is settings  # a dry run changes nothing
        assert engine.apply_settings(llm) == {"chat_model"}
        assert [c[0] for c in calls] == ["chat_model"] and calls[0][1].llm.context_size == 2048
        assert engine._parts.chat_model is new_chat and engine._parts.store is old_index
        assert engine.settings is llm
        calls.clear()
        assert engine.apply_settings(_changed(llm, answer={"max_sources": 3})) == set()
        assert calls == [] and engine.settings.answer.max_sources == 3
        embed = _changed(engine.settings, embed={"batch_size": 4})
        assert engine.apply_settings(embed) == {"embedder", "index", "searcher"}
        assert [c[0] for c in calls] == ["embedder"] and engine._parts.embedder is new_embedder
        assert engine._parts.store is not old_index  # reopened for the new embedder
        calls.clear()
        limit = _changed(engine.settings, index={"exact_search_limit": 5000})
        assert engine.apply_settings(limit) == {"index", "searcher"} and calls == []
        assert engine._parts.store.vectors.exact_limit == 5000
    finally:
        engine.close()


def test_a_new_data_folder_moves_everything(counted: tuple[Engine, CountingReranker],
                                            tmp_path: Path) -> None:  # fmt: skip
    engine, _ = counted
    assert engine.library.status().documents == 30
    old_models = engine._parts.models
    other = engine.settings.model_copy(update={"home": tmp_path / "other"})
    assert "index" in engine.apply_settings(other)
    assert (
        engine.library.status().documents == 0
        and engine.settings.db_path.parent == tmp_path / "other"
    )
    assert engine._parts.models is not old_models


def test_a_component_that_cannot_be_made_leaves_the_engine_as_it_was(tmp_path: Path) -> None:
    def broken(_settings: Settings, _models: ModelStore) -> EchoChatModel:
        raise ModelError("model nonsense is not in the manifest")

    settings = fake_settings(tmp_path / "home")
    old_chat = EchoChatModel()
    engine = Engine(Parts(settings, models=ModelStore(settings), embedder=HashEmbedder(),
                    chat_model=old_chat, reranker=None, makers=Makers(chat_model=broken)))  # fmt: skip
    try:
        with pytest.raises(ModelError, match="nonsense"):
            engine.apply_settings(_changed(settings, llm={"model": "nonsense"}))
        assert engine.settings is settings and engine._parts.chat_model is old_chat
    finally:
        engine.close()


def test_engines_built_from_settings_remake_their_real_components(tmp_path: Path) -> None:
    """The factory's components (lazy: nothing loads here) are remade with the new values;
    an injected one would be kept."""
    settings = Settings(home=tmp_path / "home", models_dir=tmp_path / "models")
    engine = build_engine(settings)
    try:
        chat, embedder, reranker = (
            engine._parts.chat_model,
            engine._parts.embedder,
            engine._parts.reranker,
        )
        new = _changed(settings, llm={"context_size": 2048},
                       retrieval={"rerank_max_tokens": 128})  # fmt: skip
        assert engine.apply_settings(new) == {"chat_model", "reranker", "searcher"}
        assert engine._parts.chat_model is not chat and engine._parts.chat_model is not None
        assert engine._parts.chat_model.context_size == 2048
        assert engine._parts.reranker is not reranker and engine._parts.embedder is embedder
        engine.apply_settings(_changed(new, retrieval={"rerank": False}))
        assert engine._parts.reranker is None
    finally:
        engine.close()


def test_every_field_a_component_reads_at_construction_is_marked() -> None:
    marks = rebuild_fields()
    for name in ("embed.model", "llm.context_size", "retrieval.rerank_model",
                 "retrieval.rerank_candidates", "index.exact_search_limit", "models_dir"):  # fmt: skip
        assert name in marks, name
    assert "retrieval.k" not in marks and "llm.max_tokens" not in marks  # read on each call
    base = Settings()
    assert rebuilds_for(base, _changed(base, retrieval={"rerank_model": "x"})) == {
        "reranker", "searcher"}  # fmt: skip
