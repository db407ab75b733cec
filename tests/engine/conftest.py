"""Engines built with the fast fakes (hash embedder, echo chat model), injected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.testing import HashEmbedder
from tests import fakes

# Re-exported: tests import it from here.
fake_settings = fakes.fake_settings


def fake_engine(home: Path, embedder: HashEmbedder | None = None, **index: object) -> Engine:
    return fakes.fake_engine(home, embedder=embedder, index=index)


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def engine(tmp_path: Path, embedder: HashEmbedder) -> Iterator[Engine]:
    eng = fake_engine(tmp_path / "home", embedder)
    yield eng
    eng.close()
