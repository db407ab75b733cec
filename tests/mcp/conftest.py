"""An MCP client session, the SDK's own, connected in memory to the server over a fake engine
(hash embedder, echo chat model) that has indexed a small PDF and a Markdown note."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession
from mcp.shared.memory import create_connected_server_and_client_session

from sourcewise.core.engine import Engine
from sourcewise.core.mcp.server import build_server
from tests import fakes
from tests.answer.conftest import PAGES, make_pdf


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "falcon.pdf", PAGES)
    (folder / "notes.md").write_text("# Depot\n\nThe depot opens at seven.", encoding="utf-8")
    return folder


@pytest.fixture
def engine(tmp_path: Path, docs: Path) -> Iterator[Engine]:
    eng = fakes.fake_engine(tmp_path / "home")
    eng.library.index([docs])
    yield eng
    eng.close()


@asynccontextmanager
async def connected(engine: Engine) -> AsyncIterator[ClientSession]:
    async with create_connected_server_and_client_session(build_server(engine)) as session:
        yield session


def with_session(engine: Engine, body: Callable[[ClientSession], Awaitable[Any]]) -> Any:
    """Run ``body`` with a connected, initialised client session; return what it returns."""

    async def main() -> Any:
        async with connected(engine) as session:
            return await body(session)

    return anyio.run(main)
