"""The chat with ``llm.backend = "openai"``: a model server that dies mid-answer leaves the
question in the conversation (shown, stored, ready to regenerate) and says why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.llm.openai_server import OpenAIServerChatModel
from sourcewise.core.settings import LLMSettings
from sourcewise.desktop.main_window import MainWindow
from tests.fakes import fake_engine
from tests.llm.openai_fakes import FakeOpenAIServer

pytestmark = pytest.mark.gui


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(drop_after=2) as fake:
        yield fake


@pytest.fixture
def engine(tmp_path: Path, server: FakeOpenAIServer) -> Iterator[Engine]:
    model = OpenAIServerChatModel(LLMSettings(backend="openai", base_url=server.url))
    eng = fake_engine(tmp_path / "home", chat_model=model)
    yield eng
    eng.close()


def test_a_server_dying_mid_answer_keeps_the_question(
    qtbot, window: MainWindow, engine: Engine, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "ferry.md").write_text(
        "# Ferry\n\nThe ferry leaves the harbour at nine every morning.\n"
    )
    with qtbot.waitSignal(window.indexing_finished, timeout=30_000):
        window.index_paths([folder])
    with qtbot.waitSignal(window.answer_finished, timeout=30_000) as blocker:
        window.chat.input.setPlainText("When does the ferry leave?")
        window.chat.submit()
    assert blocker.args[0] is None  # no answer
    [ex] = window.chat.conversation.exchanges
    assert ex.question == "When does the ferry leave?" and ex.state == "failed"
    assert ex.error == f"the model server at {server.url} closed the connection mid-answer"
    assert "Could not answer: the model server at" in window.chat.view.toPlainText()
    conv_id = window.chat.conversation.id
    assert conv_id is not None
    assert [(m.role, m.content) for m in engine._parts.chats.messages(conv_id)] == [
        ("user", "When does the ferry leave?")
    ]
    assert window.chat.regenerate_button.isEnabled()  # ask again once the server is back
