"""The server process: a cancelled ``ask`` stops the engine, stdout carries nothing but protocol
messages, and the SDK's stdio client drives the real ``sourcewise mcp`` subprocess end to end
(on the fakes, and with ``-m real`` on the real models)."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

from sourcewise.core.cli.main import main
from sourcewise.core.llm.base import Message
from sourcewise.core.mcp import server as mcp_server
from sourcewise.core.progress import CancelToken
from sourcewise.core.testing import EchoChatModel
from tests import fakes

FAKES = ["--set", 'embed.model="hash"', "--set", 'llm.model="echo"', "--set",
         "retrieval.rerank=false", "--set", 'index.parse_mode="thread"']  # fmt: skip


class StallingChatModel(EchoChatModel):
    """Generates nothing until its cancel token is set, then says it stopped."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.stopped = threading.Event()

    def stream_chat(self, messages: Sequence[Message], *, max_tokens: int, temperature: float,
                    cancel: CancelToken | None = None) -> Iterator[str]:  # fmt: skip
        self.started.set()
        assert cancel is not None
        if cancel.wait(30):
            self.stopped.set()
        yield from ()


def test_a_cancelled_ask_sets_the_engines_cancel_token(tmp_path: Path, docs: Path) -> None:
    model = StallingChatModel()
    engine = fakes.fake_engine(tmp_path / "home", chat_model=model)
    engine.library.index([docs])
    # What the SDK does on notifications/cancelled: cancel the scope the request's handler runs in.
    handler = mcp_server.build_server(engine).request_handlers[types.CallToolRequest]
    request = types.CallToolRequest(params=types.CallToolRequestParams(
        name="ask", arguments={"question": "How long is the warranty?"}))  # fmt: skip

    async def main_() -> bool:
        async with anyio.create_task_group() as tg:
            tg.start_soon(handler, request)
            assert await anyio.to_thread.run_sync(model.started.wait, 30)
            tg.cancel_scope.cancel()
        return await anyio.to_thread.run_sync(model.stopped.wait, 30)

    try:
        assert anyio.run(main_)
    finally:
        engine.close()


def test_stray_output_goes_to_stderr_while_serving(capfd: pytest.CaptureFixture[str]) -> None:
    async def main_() -> None:
        async with mcp_server._protocol_stdout() as out:
            print("a stray print")
            os.write(1, b"a native library's chatter\n")
            await out.write('{"jsonrpc": "2.0"}\n')
        print("stdout is back")

    anyio.run(main_)
    captured = capfd.readouterr()
    assert captured.out == '{"jsonrpc": "2.0"}\nstdout is back\n'
    assert "a stray print" in captured.err and "a native library's chatter" in captured.err


def _serve(home: Path, extra: list[str], body: Any, errlog: Path) -> Any:
    """Start ``sourcewise mcp`` on ``home`` and run ``body`` with a client session on it."""
    # The command an MCP client is configured with: the venv's console script.
    command = Path(sys.executable).with_name("sourcewise")
    params = StdioServerParameters(command=str(command),
                                   args=["--data-dir", str(home), *extra, "mcp"],
                                   env=dict(os.environ), cwd=Path(__file__).parents[2])  # fmt: skip

    async def main_() -> Any:
        with anyio.fail_after(120), errlog.open("w") as err:
            async with (
                stdio_client(params, errlog=err) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                return await body(session)

    return anyio.run(main_)


async def _search_and_ask(session: ClientSession, query: str, question: str) -> dict[str, Any]:
    tools = await session.list_tools()
    found = await session.call_tool("search", {"query": query, "k": 3})
    answered = await session.call_tool("ask", {"question": question})
    assert not found.isError and not answered.isError, (found.content, answered.content)
    return {
        "tools": sorted(t.name for t in tools.tools),
        "search": found.structuredContent,
        "ask": answered.structuredContent,
        # A text-only client reads the same JSON from the content.
        "ask_text": json.loads(answered.content[0].text),  # type: ignore[union-attr]
    }


def test_the_stdio_client_drives_the_real_server_process(tmp_path: Path, docs: Path) -> None:
    home = tmp_path / "home"
    assert main(["--data-dir", str(home), *FAKES, "index", str(docs)]) == 0
    out = _serve(home, FAKES, lambda s: _search_and_ask(
        s, "warranty of 18 months", "How long is the warranty of the Falcon X2 drone?"),
        tmp_path / "stderr.txt")  # fmt: skip
    assert out["tools"] == ["ask", "get_passage", "list_documents", "search"]
    top = out["search"]["results"][0]
    assert top["path"].endswith("falcon.pdf") and top["page"] == 2
    answer = out["ask"]
    assert answer == out["ask_text"] and not answer["abstained"]
    assert answer["citations"][0]["path"].endswith("falcon.pdf")
    assert answer["citations"][0]["page"] == 2
    stderr = (tmp_path / "stderr.txt").read_text()
    assert "MCP server on stdio" in stderr and "Traceback" not in stderr


@pytest.mark.real
def test_the_real_models_answer_through_the_server_process(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "protocols.md").write_text(
        "# Protocols\n\nThe zebra-lantern protocol number is 4711. It applies to every depot."
    )
    (docs / "canteen.md").write_text("# Canteen\n\nThe canteen serves lunch from noon to two.")
    home = tmp_path / "home"
    # The tiny chat model, no reranker or answerability check: the server, not answer quality,
    # is under test, and each model loaded costs seconds.
    real = ["--set", "llm.model=smollm2-135m", "--set", "llm.max_tokens=32", "--set",
            "answer.verify=false", "--set", "retrieval.rerank=false"]  # fmt: skip
    assert main(["--data-dir", str(home), *real, "index", str(docs)]) == 0
    out = _serve(home, real, lambda s: _search_and_ask(
        s, "zebra-lantern protocol number", "What is the zebra-lantern protocol number?"),
        tmp_path / "stderr.txt")  # fmt: skip
    assert out["search"]["results"][0]["path"].endswith("protocols.md")
    answer = out["ask"]
    assert answer["answer"] and answer["timings"]["total_ms"] > 0
    assert all(c["path"].startswith(str(docs)) and c["n"] >= 1 for c in answer["citations"])
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()
