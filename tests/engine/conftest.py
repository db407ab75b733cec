"""Engines built with the fast fakes (hash embedder, echo chat model), injected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcewise.core.embed.hashing import HashEmbedder
from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine
from sourcewise.core.llm.echo import EchoChatModel
from sourcewise.core.settings import Settings


def fake_settings(home: Path, **index: object) -> Settings:
    return Settings(home=home, models_dir=home / "m", index={"parse_mode": "thread", **index})


def fake_engine(home: Path, embedder: HashEmbedder | None = None, **index: object) -> Engine:
    return build_engine(
        fake_settings(home, **index),
        embedder=embedder or HashEmbedder(),
        chat_model=EchoChatModel(),
        reranker=None,
    )


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def engine(tmp_path: Path, embedder: HashEmbedder) -> Iterator[Engine]:
    eng = fake_engine(tmp_path / "home", embedder)
    yield eng
    eng.close()
