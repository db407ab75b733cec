"""Engines built with the fast fakes (hash embedder, echo chat model) on a temp home.

One builder for the engine, answer, eval and desktop tests, so they all exercise the same
configuration; each conftest keeps its own ``fake_engine`` signature as a thin wrapper.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sourcewise.core.embed.base import Embedder
from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine
from sourcewise.core.llm.base import ChatModel
from sourcewise.core.settings import Settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder


def fake_settings(home: Path, **index: object) -> Settings:
    # Parsing in threads: a process pool per test would dominate the suite's run time.
    return Settings(home=home, models_dir=home / "m", index={"parse_mode": "thread", **index})


def fake_engine(
    home: Path,
    *,
    embedder: Embedder | None = None,
    chat_model: ChatModel | None = None,
    reranker: object = None,
    index: Mapping[str, object] | None = None,
) -> Engine:
    """An engine on ``home``; no reranker unless one is given (a real one would load a model)."""
    return build_engine(
        fake_settings(home, **(index or {})),
        embedder=embedder or HashEmbedder(),
        chat_model=chat_model or EchoChatModel(),
        reranker=reranker,
    )
