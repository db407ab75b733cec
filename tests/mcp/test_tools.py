"""The MCP tools through the SDK's client: listed with schemas, cited rows from ``search`` and a
cited answer from ``ask`` in the command line's JSON shapes, documents and passages by id, and
every bad call answered as a tool error with a clear message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mcp import ClientSession, types

from sourcewise.core.engine import Engine
from sourcewise.core.mcp.tools import NOTHING_INDEXED
from sourcewise.core.rendering.render import answer_json, hit_json
from tests import fakes
from tests.answer.conftest import WARRANTY
from tests.mcp.conftest import with_session


def _call(engine: Engine, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
    async def body(session: ClientSession) -> types.CallToolResult:
        return await session.call_tool(name, arguments)

    result: types.CallToolResult = with_session(engine, body)
    return result


def _ok(engine: Engine, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = _call(engine, name, arguments)
    assert not result.isError, result.content
    assert result.structuredContent is not None
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    assert json.loads(block.text) == result.structuredContent  # what a text-only client reads
    return result.structuredContent


def _error(engine: Engine, name: str, arguments: dict[str, Any]) -> str:
    result = _call(engine, name, arguments)
    assert result.isError
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


def test_the_client_lists_four_tools_with_input_schemas(engine: Engine) -> None:
    async def body(session: ClientSession) -> types.ListToolsResult:
        return await session.list_tools()

    listed: types.ListToolsResult = with_session(engine, body)
    tools = {t.name: t for t in listed.tools}
    assert set(tools) == {"search", "ask", "list_documents", "get_passage"}
    assert tools["search"].inputSchema["required"] == ["query"]
    assert tools["ask"].inputSchema["required"] == ["question"]
    assert tools["get_passage"].inputSchema["required"] == ["chunk_id"]
    assert all(
        t.description and t.annotations and t.annotations.readOnlyHint for t in tools.values()
    )


def test_search_gives_the_cli_rows_with_path_and_page(engine: Engine) -> None:
    out = _ok(engine, "search", {"query": "warranty of 18 months", "k": 3})
    rows = out["results"]
    assert rows == [hit_json(h) for h in engine.library.search("warranty of 18 months", 3)]
    top = rows[0]
    assert top["path"].endswith("falcon.pdf") and top["page"] == 2 and WARRANTY in top["text"]
    assert isinstance(top["chunk_id"], int)


def test_search_filters_reach_retrieval(engine: Engine) -> None:
    rows = _ok(engine, "search", {"query": "depot opens", "file_types": ["md"]})["results"]
    assert rows and all(r["path"].endswith("notes.md") for r in rows)


def test_source_filters_reach_retrieval(engine: Engine, tmp_path: Path) -> None:
    from datetime import datetime

    from tests.ingest.sources_corpus import append_mbox, message

    append_mbox(tmp_path / "inbox.mbox", [
        message("Ann Lee <ann@example.org>", "me@example.org", "Depot", "The depot opens at six.",
                when=datetime(2024, 5, 2), msgid="d@x"),
    ])  # fmt: skip
    engine.library.index([tmp_path / "inbox.mbox"])
    rows = _ok(engine, "search", {"query": "depot opens", "sender": "ann", "after": "2024-05-01"})
    assert [Path(r["path"]).name for r in rows["results"]] == ["d@x.eml"]
    assert rows["results"][0]["reference"] == "Ann Lee, 2024-05-02, “Depot”"
    assert not _ok(engine, "search", {"query": "depot", "tags": ["x"]})["results"]


def test_ask_gives_a_cited_answer_in_the_cli_shape(engine: Engine) -> None:
    question = "How long is the warranty of the Falcon X2 drone?"
    out = _ok(engine, "ask", {"question": question})
    assert set(out) == set(answer_json(engine.answers.ask(question)))
    assert not out["abstained"] and out["answer"].endswith("[1]")  # the echo model cites [1]
    [cite] = out["citations"]
    assert cite["n"] == 1 and cite["path"].endswith("falcon.pdf") and cite["page"] == 2
    assert cite["quote"] == WARRANTY


def test_list_documents_then_a_passage_by_its_chunk_id(engine: Engine) -> None:
    listed = _ok(engine, "list_documents", {})
    assert listed["total"] == 2
    names = [Path(d["path"]).name for d in listed["documents"]]
    assert sorted(names) == ["falcon.pdf", "notes.md"]
    pdf = next(d for d in listed["documents"] if d["path"].endswith("falcon.pdf"))
    assert pdf["pages"] == 3 and pdf["uri"] == f"sourcewise://document/{pdf['document_id']}"
    assert _ok(engine, "list_documents", {"offset": 1, "limit": 1})["documents"] == [
        listed["documents"][1]
    ]
    hit = _ok(engine, "search", {"query": "battery care"})["results"][0]
    passage = _ok(engine, "get_passage", {"chunk_id": hit["chunk_id"]})
    assert passage["text"] == hit["text"] and passage["path"] == hit["path"]
    assert passage["page"] == 3 and passage["uri"] == pdf["uri"]


def test_bad_calls_are_tool_errors_with_clear_messages(engine: Engine) -> None:
    assert "no indexed passage has chunk id 99999" in _error(
        engine, "get_passage", {"chunk_id": 99999}
    )
    assert "Input validation error" in _error(engine, "search", {"k": 3})  # no query
    assert "Input validation error" in _error(engine, "search", {"query": "x", "k": 0})
    assert "unknown tool 'delete_everything'" in _error(engine, "delete_everything", {})
    assert "expects a date" in _error(engine, "search", {"query": "x", "since": "last week"})
    engine._parts.chat_model = None
    assert "no chat model is configured" in _error(engine, "ask", {"question": "Warranty?"})


def test_an_empty_library_is_an_error_not_an_empty_result(tmp_path: Path) -> None:
    engine = fakes.fake_engine(tmp_path / "empty")
    try:
        assert _error(engine, "search", {"query": "warranty"}) == NOTHING_INDEXED
        assert _error(engine, "ask", {"question": "Warranty?"}) == NOTHING_INDEXED
        assert _ok(engine, "list_documents", {}) == {"total": 0, "offset": 0, "documents": []}
    finally:
        engine.close()
