"""Stored conversations in the window: switch, follow-ups, regenerate, ratings, export, delete,
and the abstention display."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from sourcewise.core.types import Answer, AskOptions
from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.qt import QUrl

pytestmark = pytest.mark.gui


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "ferry.md").write_text(
        "# Ferry\n\nThe ferry leaves the harbour at nine every morning.\n"
    )
    (folder / "tides.txt").write_text("The lighthouse keeper logs the tides twice a day.\n")
    return folder


def _indexed(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.indexing_finished, timeout=30_000):
        window.index_paths([_corpus(tmp_path)])
    qtbot.waitUntil(lambda: len(window.library.file_items()) == 2, timeout=10_000)


def _ask(qtbot, window: MainWindow, question: str) -> Answer:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.answer_finished, timeout=30_000) as blocker:
        window.chat.input.setPlainText(question)
        window.chat.submit()
    answer = blocker.args[0]
    assert isinstance(answer, Answer)
    return answer


def _spy_history(monkeypatch, engine: Engine) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    seen: list[list[Any]] = []
    real = engine.answers.ask

    def ask(question: str, options: AskOptions | None = None) -> Answer:
        seen.append(list(options.history or ()) if options is not None else [])
        return real(question, options)

    monkeypatch.setattr(engine.answers, "ask", ask)
    return seen


def test_switching_conversations_restores_messages_and_follow_ups_pass_history(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path, monkeypatch
) -> None:
    _indexed(qtbot, window, tmp_path)
    history = _spy_history(monkeypatch, engine)
    first = _ask(qtbot, window, "When does the ferry leave?")
    assert first.citations
    first_id = window.chat.conversation.id
    assert first_id is not None
    assert [c.id for c in window.conversations.conversations] == [first_id]

    window.chat.new_chat()
    assert window.conversations.current_id is None
    _ask(qtbot, window, "Who logs the tides?")
    second_id = window.chat.conversation.id
    assert second_id not in (None, first_id)
    assert len(window.conversations.conversations) == 2

    window.conversations.open_requested.emit(first_id)
    exchanges = window.chat.conversation.exchanges
    assert [ex.question for ex in exchanges] == ["When does the ferry leave?"]
    assert exchanges[0].state == "done"
    assert exchanges[0].citations == first.citations  # citations come back from the store
    assert "When does the ferry leave?" in window.chat.view.toPlainText()
    assert window.sources.items and window.sources.items[0].path == first.citations[0].path
    assert window.conversations.current_id == first_id

    _ask(qtbot, window, "And on Sundays?")  # a follow-up in the reopened conversation
    assert history[-1] and history[-1][0].content == "When does the ferry leave?"
    assert [m.role for m in engine._parts.chats.messages(first_id)] == ["user", "assistant"] * 2


def test_regenerate_asks_the_last_question_again_without_its_old_answer(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path, monkeypatch
) -> None:
    _indexed(qtbot, window, tmp_path)
    _ask(qtbot, window, "When does the ferry leave?")
    history = _spy_history(monkeypatch, engine)
    assert window.chat.regenerate_button.isEnabled()
    with qtbot.waitSignal(window.answer_finished, timeout=30_000) as blocker:
        window.chat.regenerate_button.click()
    assert isinstance(blocker.args[0], Answer)
    questions = [ex.question for ex in window.chat.conversation.exchanges]
    assert questions == ["When does the ferry leave?"] * 2
    assert history == [[]]  # the answer being regenerated is not history
    conv_id = window.chat.conversation.id
    assert conv_id is not None
    assert len(engine._parts.chats.messages(conv_id)) == 4


def test_rating_an_answer_is_stored_with_its_comment(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path, monkeypatch
) -> None:
    _indexed(qtbot, window, tmp_path)
    _ask(qtbot, window, "When does the ferry leave?")
    assert "Not helpful" in window.chat.view.toPlainText()
    monkeypatch.setattr(window.session, "ask_comment", lambda rating: "wrong harbour")
    with qtbot.waitSignal(window.session.stored, timeout=10_000):
        window.chat.open_link(QUrl("rate:-1?a=0"))  # the "Not helpful" link under the answer
    conv_id = window.chat.conversation.id
    assert conv_id is not None
    answer = engine._parts.chats.messages(conv_id)[1]
    assert (answer.rating, answer.comment) == (-1, "wrong harbour")
    assert window.chat.conversation.exchanges[0].rating == -1

    monkeypatch.setattr(window.session, "ask_comment", lambda rating: None)  # cancelled
    assert not window.session.rate(0, 1)
    assert engine._parts.chats.messages(conv_id)[1].rating == -1
    with qtbot.waitSignal(window.session.stored, timeout=10_000):
        assert window.session.rate(0, 1, comment="")
    assert engine._parts.chats.messages(conv_id)[1].rating == 1


def test_export_writes_markdown_with_citations_and_delete_forgets(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path, monkeypatch
) -> None:
    _indexed(qtbot, window, tmp_path)
    answer = _ask(qtbot, window, "When does the ferry leave?")
    conv_id = window.chat.conversation.id
    target = tmp_path / "out" / "chat.md"
    target.parent.mkdir()
    monkeypatch.setattr(window.session, "ask_export_path", lambda suggested: target)
    window.conversations.select(conv_id)
    window.conversations.export_button.click()
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# When does the ferry leave?")
    assert "**You:** When does the ferry leave?" in text
    cited = Path(answer.citations[0].path).name
    assert f"[^2-{answer.citations[0].n}]: {cited}" in text  # the citation as a footnote

    monkeypatch.setattr(window.session, "confirm_delete", lambda title: True)
    with qtbot.waitSignal(window.session.stored, timeout=10_000):
        window.conversations.delete_button.click()
    assert window.conversations.conversations == []
    assert engine._parts.chats.conversations() == []
    assert window.chat.conversation.exchanges == []


class _LowReranker:
    """Scores every passage far below the abstention threshold."""

    def warm_up(self) -> None:
        pass

    def score(self, query: str, passages: Sequence[str]) -> Any:
        return np.linspace(-9.0, -9.5, num=len(passages), dtype=np.float32)


def test_an_abstained_answer_shows_the_nearest_passages_with_their_strength(
    qtbot, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home, models_dir=home / "m", index={"parse_mode": "thread"})
    engine = build_engine(settings, embedder=HashEmbedder(), chat_model=EchoChatModel(),
                          reranker=_LowReranker())  # fmt: skip
    win = MainWindow(engine)
    qtbot.addWidget(win)
    try:
        with qtbot.waitSignal(win.library_refreshed, timeout=10_000):
            win.show()
        _indexed(qtbot, win, tmp_path)
        answer = _ask(qtbot, win, "What is the airspeed of a swallow?")
        assert answer.abstained and answer.nearest
        assert "Not in your documents" in win.chat.view.toPlainText()
        assert win.sources.title.text().startswith("<b>Not in your documents — nearest passages")
        labels = [win.sources.list.item(i).text() for i in range(win.sources.list.count())]
        assert len(labels) == len(answer.nearest)
        assert "weak match" in labels[0]  # a -9.0 logit, labelled for a reader
    finally:
        win.close()
        engine.close()


class _LockHolder:
    """Holds the index lock on another thread, as an indexing job does through an IVF rebuild,
    until released (or a generous safety limit, so a UI thread that waits cannot hang)."""

    def __init__(self, engine: Engine) -> None:
        self.lock = engine._parts.store.lock
        self.taken, self.release, self.released = (threading.Event() for _ in range(3))
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        with self.lock:
            self.taken.set()
            self.release.wait(20)
            self.released.set()

    def __enter__(self) -> _LockHolder:
        self.thread.start()
        self.taken.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(30)


def test_asking_and_rating_while_the_index_lock_is_held_do_not_wait_for_it(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path
) -> None:
    _indexed(qtbot, window, tmp_path)
    _ask(qtbot, window, "When does the ferry leave?")
    with _LockHolder(engine) as holder:
        assert window.session.rate(0, -1, comment="slow harbour")
        window.chat.input.setPlainText("And the tides?")
        window.chat.submit()
        # Both calls came back while the lock was still held: the UI thread did not wait.
        assert not holder.released.is_set()
        assert window.chat.conversation.exchanges[0].rating is None  # not saved yet
        with qtbot.waitSignals([window.session.stored, window.answer_finished], timeout=30_000):
            holder.release.set()
    conv_id = window.chat.conversation.id
    assert conv_id is not None
    messages = engine._parts.chats.messages(conv_id)
    assert [m.role for m in messages] == ["user", "assistant"] * 2
    assert (messages[1].rating, messages[1].comment) == (-1, "slow harbour")
    assert window.chat.conversation.exchanges[0].rating == -1
