"""The MCP server: the tools of :mod:`.tools` and the resources of :mod:`.resources` on the SDK's
low-level ``Server`` (whose resource listing, unlike FastMCP's, can page through documents
added after start), and :func:`serve_stdio`, which runs it over stdin and stdout.

Engine calls are blocking (an answer takes seconds), so they run in a worker thread, one at a
time as in the API server: llama.cpp and the index's one SQLite connection serve one caller at
a time. A request the client cancels sets the call's :class:`CancelToken`, and the engine stops
at its next check. A tool's :class:`SourcewiseError` reaches the client as the tool's error
text; anything else is logged (to stderr) with its traceback and reported the same way.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from io import TextIOWrapper
from typing import Any, TypeVar

import anyio
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import McpError
from pydantic import AnyUrl

from sourcewise.core.engine import Engine
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.mcp import resources, tools
from sourcewise.core.progress import CancelToken

log = logging.getLogger(__name__)
T = TypeVar("T")

INSTRUCTIONS = (
    "Sourcewise searches and answers from the user's own indexed files, offline. Use search "
    "for passages (cite them by path and page), ask for a cited answer from the local model, "
    "get_passage to read a passage again by its chunk_id, list_documents for what is indexed."
)


class EngineRunner:
    """Runs engine calls in a worker thread, one at a time, cancellable."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()

    async def run(self, call: Callable[[Engine, CancelToken], T]) -> T:
        cancel = CancelToken()

        def work() -> T:
            with self._lock:
                cancel.check()  # cancelled while it waited for its turn
                return call(self.engine, cancel)

        try:
            # Abandoned on cancel: the request ends now, the thread at the engine's next check.
            return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except anyio.get_cancelled_exc_class():
            cancel.cancel()
            raise


def build_server(engine: Engine) -> Server[Any, Any]:
    server: Server[Any, Any] = Server("sourcewise", version=_version(), instructions=INSTRUCTIONS)
    runner = EngineRunner(engine)

    async def list_tools() -> list[types.Tool]:
        return tools.TOOLS

    async def call_tool(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return await runner.run(
            lambda eng, cancel: _logged(tools.call, eng, name, arguments, cancel)
        )

    async def list_resources(request: types.ListResourcesRequest) -> types.ListResourcesResult:
        cursor = request.params.cursor if request.params is not None else None
        return await runner.run(lambda eng, _: _logged(resources.list_page, eng, cursor))

    async def list_templates() -> list[types.ResourceTemplate]:
        return resources.TEMPLATES

    async def read_resource(uri: AnyUrl) -> list[ReadResourceContents]:
        return await runner.run(lambda eng, _: _logged(resources.read, eng, str(uri)))

    # The SDK's registering decorators are unannotated, hence the ignores.
    server.list_tools()(list_tools)  # type: ignore[no-untyped-call]
    server.call_tool()(call_tool)  # validates arguments against each tool's input schema
    server.list_resources()(list_resources)  # type: ignore[no-untyped-call]
    server.list_resource_templates()(list_templates)  # type: ignore[no-untyped-call]
    server.read_resource()(read_resource)  # type: ignore[no-untyped-call]
    return server


def _logged(func: Callable[..., T], *args: Any) -> T:
    try:
        return func(*args)
    except (SourcewiseError, McpError):
        raise  # the user's to act on: its message is the whole story
    except Exception:
        log.exception("MCP request failed")
        raise


async def serve_stdio(engine: Engine) -> None:
    """Serve MCP on stdin/stdout until the client closes stdin."""
    server = build_server(engine)
    async with _protocol_stdout() as out, stdio_server(stdout=out) as (read, write):
        await server.run(read, write, server.create_initialization_options())


@asynccontextmanager
async def _protocol_stdout() -> AsyncIterator[anyio.AsyncFile[str]]:
    """A private copy of stdout for protocol messages, while ``print`` and file descriptor 1
    itself point at stderr: a stray print, or a native library writing to stdout, cannot
    corrupt the protocol stream."""
    sys.stdout.flush()
    fd = os.dup(1)
    os.dup2(2, 1)
    saved, sys.stdout = sys.stdout, sys.stderr
    stream = TextIOWrapper(os.fdopen(fd, "wb"), encoding="utf-8")
    try:
        yield anyio.wrap_file(stream)
    finally:
        stream.flush()
        sys.stdout = saved
        os.dup2(fd, 1)
        stream.close()


def _version() -> str:
    try:
        return version("sourcewise")
    except PackageNotFoundError:
        return "unknown"
