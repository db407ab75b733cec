"""The engine's facade stays narrow: four parts and four names, and the clients reach no store,
chat store or model through it. One path asks within a conversation, for every client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sourcewise.core.errors import Cancelled
from sourcewise.core.progress import CancelToken
from sourcewise.core.testing import EchoChatModel
from tests.fakes import fake_engine

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ["desktop", "core/cli", "core/server", "core/mcp"]


def test_the_engine_is_four_parts_and_four_names(tmp_path: Path) -> None:
    engine = fake_engine(tmp_path / "home", chat_model=EchoChatModel())
    try:
        public = {name for name in dir(engine) if not name.startswith("_")}
        assert public == {"settings", "library", "answers", "conversations", "models",
                          "apply_settings", "rebuilds_for", "close"}  # fmt: skip
    finally:
        engine.close()


def test_no_client_reaches_the_store_the_chat_store_or_a_component() -> None:
    leak = re.compile(r"index_store|\.chats\b|\._parts\b|engine\.(?:reranker|embedder)\b")
    found = [f"{path.relative_to(ROOT)}:{n}"
             for folder in CLIENTS for path in sorted((ROOT / folder).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if leak.search(line)]  # fmt: skip
    assert found == []


def test_a_turn_stores_the_question_first_and_a_stopped_one_is_not_history(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "drone.md").write_text("# Drone\n\nThe warranty of the drone lasts two years.\n")
    engine = fake_engine(tmp_path / "home", chat_model=EchoChatModel())
    try:
        engine.library.index([corpus])
        stored: list[int] = []
        turn = engine.conversations.ask(None, "How long is the warranty?", on_stored=stored.append)
        assert stored == [turn.conversation_id]
        cancel = CancelToken()
        cancel.cancel()
        with pytest.raises(Cancelled):
            engine.conversations.ask(turn.conversation_id, "And the battery?", cancel=cancel)
        roles = [m.role for m in engine.conversations.messages(turn.conversation_id)]
        assert roles == ["user", "assistant", "user"]  # the stopped question is kept, shown
        history = engine.conversations.history(turn.conversation_id)
        assert [t.content for t in history] == ["How long is the warranty?", turn.answer.answer]
    finally:
        engine.close()
