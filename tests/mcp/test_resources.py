"""The library as MCP resources: listed page by page without reading any text, the library
resource's metadata, one document's passages by its uri, and unknown uris refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession, types
from mcp.shared.exceptions import McpError
from pydantic import AnyUrl

from sourcewise.core.engine import Engine
from sourcewise.core.mcp import resources
from tests.mcp.conftest import with_session


def _read(session: ClientSession, uri: str) -> Any:
    async def read() -> Any:
        result = await session.read_resource(AnyUrl(uri))
        [content] = result.contents
        assert isinstance(content, types.TextResourceContents)
        assert content.mimeType == "application/json"
        return json.loads(content.text)

    return read()


def test_listing_pages_through_the_library(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "PAGE_SIZE", 1)

    async def body(session: ClientSession) -> list[list[str]]:
        pages, cursor = [], None
        while True:
            listed = await session.list_resources(cursor)
            pages.append([str(r.uri) for r in listed.resources])
            if listed.nextCursor is None:
                return pages
            cursor = listed.nextCursor

    # In the library's order (by collection, then path), whatever order the files were
    # indexed in, so their ids.
    docs = [d for d in engine.library.documents() if d.status == "indexed"]
    uris = [f"sourcewise://document/{d.document_id}" for d in docs]
    assert with_session(engine, body) == [["sourcewise://library", uris[0]], [uris[1]]]


def test_the_library_and_a_document_read_by_uri(engine: Engine) -> None:
    async def body(session: ClientSession) -> tuple[Any, Any, list[types.ResourceTemplate]]:
        library = await _read(session, "sourcewise://library")
        pdf = next(d for d in library["documents"] if d["path"].endswith("falcon.pdf"))
        document = await _read(session, pdf["uri"])
        templates = (await session.list_resource_templates()).resourceTemplates
        return library, document, templates

    library, document, templates = with_session(engine, body)
    assert sorted(Path(d["path"]).name for d in library["documents"]) == ["falcon.pdf", "notes.md"]
    assert document["document"]["path"].endswith("falcon.pdf")
    assert document["document"]["pages"] == 3
    assert "warranty of 18 months" in " ".join(p["text"] for p in document["passages"])
    assert all(isinstance(p["chunk_id"], int) for p in document["passages"])
    assert [t.uriTemplate for t in templates] == ["sourcewise://document/{document_id}"]


@pytest.mark.parametrize(
    "uri", ["sourcewise://document/99999", "sourcewise://document/abc", "sourcewise://other"]
)
def test_an_unknown_uri_is_refused_with_the_uris_there_are(engine: Engine, uri: str) -> None:
    async def body(session: ClientSession) -> types.ErrorData:
        with pytest.raises(McpError) as caught:
            await _read(session, uri)
        return caught.value.error

    error = with_session(engine, body)
    assert error.code == resources.RESOURCE_NOT_FOUND
    assert error.message == (
        f"no resource {uri}: the resources are sourcewise://library and "
        "sourcewise://document/<document_id>"
    )


def test_a_forged_cursor_is_invalid_params(engine: Engine) -> None:
    async def body(session: ClientSession) -> types.ErrorData:
        with pytest.raises(McpError) as caught:
            await session.list_resources("not-a-cursor")
        return caught.value.error

    assert with_session(engine, body).code == types.INVALID_PARAMS
