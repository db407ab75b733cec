"""``serve`` in whole-document mode: a request's ``max_tokens`` bounds the work, not only the
reply, and a streaming client that leaves stops the reading."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from sourcewise.core.answer.citations import cited_numbers, strip_markers
from sourcewise.core.engine import Engine
from sourcewise.core.llm.base import Message
from sourcewise.core.progress import CancelToken
from sourcewise.core.server.app import create_app
from sourcewise.core.testing import EchoChatModel
from sourcewise.core.types import AskOptions
from tests import fakes
from tests.answer.test_whole_document import SECTIONS, make_report

SUMMARY = "Summarize the ferry review"


class Counting(EchoChatModel):
    """The echo model, remembering each generation's max_tokens and what it generated."""

    def __init__(self) -> None:
        super().__init__()
        self.limits: list[int] = []
        self.generated = 0

    def stream_chat(self, messages: Sequence[Message], *, max_tokens: int, temperature: float,
                    cancel: CancelToken | None = None) -> Iterator[str]:  # fmt: skip
        self.limits.append(max_tokens)
        for piece in super().stream_chat(messages, max_tokens=max_tokens,
                                         temperature=temperature, cancel=cancel):  # fmt: skip
            self.generated += 1
            yield piece


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    library = tmp_path / "docs"
    library.mkdir()
    make_report(library / "ferry-review-2025.pdf")
    eng = fakes.fake_engine(tmp_path / "home")
    reading = eng.settings.reading.model_copy(update={"section_tokens": 200})
    eng.apply_settings(eng.settings.model_copy(update={"reading": reading}))
    eng.library.index([library])
    yield eng
    eng.close()


def _complete(engine: Engine, **extra: object) -> dict[str, Any]:
    body = {"messages": [{"role": "user", "content": SUMMARY}], **extra}
    with TestClient(create_app(engine)) as client:
        r = client.post("/v1/chat/completions", json=body)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def test_a_summary_reads_the_document_whole_without_max_tokens(engine: Engine) -> None:
    engine._parts.chat_model = model = Counting()
    answer = engine.answers.ask(SUMMARY)
    assert answer.mode == "document"  # the question below is a whole-document one
    assert len(model.limits) >= len(SECTIONS)  # a note per section, at least


def test_max_tokens_5_on_a_summary_does_the_work_of_a_short_answer(engine: Engine) -> None:
    engine._parts.chat_model = model = Counting()
    data = _complete(engine, max_tokens=5)
    [choice] = data["choices"]
    assert model.limits == [5]  # one generation, cut at 5: no section was read whole
    assert model.generated <= 5 and len(model.judged) <= 1
    assert choice["finish_reason"] == "length"
    assert len(strip_markers(choice["message"]["content"]).split()) <= 5
    assert not data["abstained"] and data["sources"]  # answered from the review's passages
    assert {s["path"] for s in data["sources"]} == {
        p.path for p in engine.library.documents() if p.path.endswith("ferry-review-2025.pdf")
    }
    assert engine.settings.llm.max_tokens > 5  # per call: the engine's settings are its own


def test_a_whole_document_answer_is_cut_at_max_tokens(engine: Engine) -> None:
    reading = engine.settings.reading.model_copy(update={"section_max_tokens": 16})
    engine.apply_settings(engine.settings.model_copy(update={"reading": reading}))
    engine._parts.chat_model = model = Counting()
    full = engine.answers.ask(SUMMARY)
    assert full.mode == "document" and model.count_tokens(full.answer) > 20
    answer = engine.answers.ask(SUMMARY, AskOptions(max_tokens=20))
    assert answer.mode == "document" and answer.usage.truncated
    assert 0 < model.count_tokens(answer.answer) <= 20
    assert full.answer.startswith(answer.answer)
    assert {c.n for c in answer.citations} == set(cited_numbers(answer.answer))


def test_a_streaming_client_that_leaves_stops_a_whole_document_reading(engine: Engine) -> None:
    """Through the whole ASGI app: no token is streamed while the sections are read, so only
    the server's disconnect listener can notice that the client is gone."""
    started, stopped = threading.Event(), threading.Event()

    class Slow(EchoChatModel):
        calls = 0
        saw_cancel = False

        def stream_chat(self, messages: Sequence[Message], *, max_tokens: int,
                        temperature: float, cancel: CancelToken | None = None) -> Iterator[str]:  # fmt: skip
            self.calls += 1
            started.set()
            for i in range(200):
                if cancel is not None and cancel.wait(0.02):
                    self.saw_cancel = True
                    stopped.set()
                    return
                yield f"w{i} "

    engine._parts.chat_model = model = Slow()
    body = json.dumps({"messages": [{"role": "user", "content": SUMMARY}], "stream": True})
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/v1/chat/completions",
             "raw_path": b"/v1/chat/completions", "root_path": "", "query_string": b"",
             "headers": [(b"content-type", b"application/json")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8765)}  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def leave_while_reading() -> None:
        messages = [{"type": "http.request", "body": body.encode(), "more_body": False}]

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            await asyncio.to_thread(started.wait, 30)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await create_app(engine)(scope, receive, send)

    asyncio.run(leave_while_reading())
    assert stopped.wait(5) and model.saw_cancel, "the reading went on after the client left"
    assert model.calls == 1  # the first section's note was stopped; no other was started
    streamed = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert b"[DONE]" not in streamed
    # The stopped answer is still logged on the server's worker thread: the engine closes
    # only after that (a store closed under a running write crashes the process).
    deadline = time.monotonic() + 10
    while not engine.answers.log() and time.monotonic() < deadline:
        time.sleep(0.05)
