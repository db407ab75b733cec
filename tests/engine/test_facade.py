"""The engine's facade stays narrow: four parts and three names, and the clients reach no store,
chat store or model through it. One path asks within a conversation, for every client."""

from __future__ import annotations

import inspect
import re
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from types import UnionType

import pytest

from sourcewise.core import types
from sourcewise.core.errors import Cancelled
from sourcewise.core.progress import CancelToken
from sourcewise.core.testing import EchoChatModel
from sourcewise.core.types import AskOptions
from tests.fakes import fake_engine

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ["desktop", "core/cli", "core/server", "core/mcp"]
# What a part may return besides core.types: no tuples of columns, dicts or paths.
PLAIN = {list, str, int, bool, type(None), Callable}


def test_the_engine_is_four_parts_and_three_names(tmp_path: Path) -> None:
    engine = fake_engine(tmp_path / "home", chat_model=EchoChatModel())
    try:
        public = {name for name in dir(engine) if not name.startswith("_")}
        assert public == {"settings", "library", "answers", "conversations", "models",
                          "apply_settings", "close"}  # fmt: skip
    finally:
        engine.close()


def _documented_parts() -> dict[str, set[str]]:
    """Each part's names as the table in section 5 of docs/architecture.md lists them."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `engine\.(\w+)` \| (.+) \|$", text, re.M)
    return {part: set(re.findall(r"(?:^|, )`(\w+)", names)) for part, names in rows}


def test_each_part_has_exactly_the_names_the_architecture_lists(tmp_path: Path) -> None:
    engine = fake_engine(tmp_path / "home", chat_model=EchoChatModel())
    try:
        documented = _documented_parts()
        assert set(documented) == {"library", "answers", "conversations", "models"}
        for part, names in documented.items():
            public = {n for n in dir(getattr(engine, part)) if not n.startswith("_")}
            assert public == names, part
        assert sum(len(names) for names in documented.values()) == 20
    finally:
        engine.close()


def _classes(annotation: object) -> list[type]:
    """The classes a return annotation names, its type arguments' included."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return []
    inner = [c for arg in typing.get_args(annotation) for c in _classes(arg)]
    if origin in (typing.Union, UnionType):
        return inner
    head = origin or annotation
    return ([head] if isinstance(head, type) else []) + inner


def test_the_parts_return_only_core_types_and_plain_values(tmp_path: Path) -> None:
    engine = fake_engine(tmp_path / "home", chat_model=EchoChatModel())
    try:
        for part in ("library", "answers", "conversations", "models"):
            cls = type(getattr(engine, part))
            module = vars(sys.modules[cls.__module__])
            for name, method in inspect.getmembers(cls, inspect.isfunction):
                if name.startswith("_"):
                    continue
                returned = eval(inspect.signature(method).return_annotation, dict(module))
                for c in _classes(returned):
                    assert c in PLAIN or c.__module__ == types.__name__, (
                        f"{part}.{name} returns {c.__module__}.{c.__qualname__}"
                    )
    finally:
        engine.close()


def test_no_client_reaches_the_store_the_chat_store_or_a_component() -> None:
    leak = re.compile(
        r"index_store|\.chats\b|\._parts\b|\._pipeline\b|"
        r"engine\.(?:reranker|embedder)\b"
    )
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
            engine.conversations.ask(
                turn.conversation_id, "And the battery?", AskOptions(cancel=cancel)
            )
        roles = [m.role for m in engine.conversations.get(turn.conversation_id).messages]
        assert roles == ["user", "assistant", "user"]  # the stopped question is kept, shown
        history = engine.conversations._history(turn.conversation_id)
        assert [t.content for t in history] == ["How long is the warranty?", turn.answer.answer]
    finally:
        engine.close()
