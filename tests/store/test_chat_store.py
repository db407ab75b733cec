"""Conversations round-trip through SQLite and export to Markdown with footnotes."""

from __future__ import annotations

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.rendering.export import conversation_markdown
from sourcewise.core.store.chats import ChatStore
from sourcewise.core.types import AskOptions, ChatTurn
from tests.answer.conftest import docs, engine  # the fixtures: an engine with indexed files

__all__ = ["docs", "engine"]


def test_round_trip_with_citations_feedback_and_delete(engine: Engine) -> None:
    store = engine._parts.chats
    conv = store.create()
    question = "How long is the warranty of the Falcon X2 drone?"
    answer = engine.answers.ask(question)
    store.append(conv, "user", question)
    msg_id = store.append_answer(conv, answer)
    store.rate(msg_id, -1, "too short")
    store.rate(msg_id, 1, "fine after all")  # a second rating replaces the first

    [info] = store.conversations()
    assert (info.id, info.title, info.messages) == (conv, question, 2)
    user, reply = store.messages(conv)
    assert (user.role, user.content, user.citations, user.rating) == ("user", question, [], None)
    assert reply.content == answer.answer and reply.citations == answer.citations
    assert reply.timings == answer.timings and reply.abstained is False
    assert (reply.rating, reply.comment) == (1, "fine after all")
    assert store.history(conv) == [ChatTurn("user", question), ChatTurn("assistant", answer.answer)]

    store.delete(conv)
    assert store.conversations() == []
    assert engine._parts.store.db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 0
    with pytest.raises(SourcewiseError):
        store.messages(conv)


def test_persists_across_engines(engine: Engine) -> None:
    conv = engine._parts.chats.create("Drone questions")
    engine._parts.chats.append(conv, "user", "hello")
    db_path = engine.settings.db_path
    engine.close()
    reopened = ChatStore(__import__("sqlite_utils").Database(db_path))
    assert [c.title for c in reopened.conversations()] == ["Drone questions"]
    assert [m.content for m in reopened.messages(conv)] == ["hello"]


def test_bad_input_is_refused(engine: Engine) -> None:
    store = engine._parts.chats
    conv = store.create()
    with pytest.raises(SourcewiseError):
        store.append(conv, "wizard", "x")
    with pytest.raises(SourcewiseError):
        store.append(conv + 1, "user", "x")
    msg = store.append(conv, "user", "x")
    with pytest.raises(SourcewiseError):
        store.rate(msg, 5)
    with pytest.raises(SourcewiseError):
        store.rate(msg + 100, 1)


def test_export_markdown_has_footnotes(engine: Engine) -> None:
    store = engine._parts.chats
    conv = store.create()
    for q in (
        "How long is the warranty of the Falcon X2 drone?",
        "How should batteries be stored?",
    ):
        store.append(conv, "user", q)
        store.append_answer(conv, engine.answers.ask(q))
    md = conversation_markdown(engine.conversations.get(conv))
    assert md.startswith("# How long is the warranty of the Falcon X2 drone?\n")
    assert "**You:** How should batteries be stored?" in md
    assert "**Sourcewise:**" in md and "[^2-1]" in md and "[^4-1]" in md
    note = next(line for line in md.splitlines() if line.startswith("[^2-1]: "))
    assert "falcon.pdf, page 2" in note and "warranty of 18 months" in note
    assert "[1]" not in md  # every marker became a footnote reference


def test_abstained_answers_are_marked_in_the_export(engine: Engine) -> None:
    from sourcewise.core.types import SearchFilters

    store = engine._parts.chats
    conv = store.create()
    store.append(conv, "user", "anything")
    store.append_answer(
        conv,
        engine.answers.ask("anything", AskOptions(filters=SearchFilters(collections=("none",)))),
    )
    assert store.messages(conv)[1].abstained
    assert "do not cover this" in conversation_markdown(engine.conversations.get(conv))
