"""The library as MCP resources: ``sourcewise://library`` lists every document (metadata only)
and ``sourcewise://document/{id}`` reads one document's metadata and passages.

Listing never reads a document's text, and pages through a big library with a cursor, so a
client listing resources costs one metadata query per page whatever the library's size.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mcp import types
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.shared.exceptions import McpError

from sourcewise.core.engine import Engine
from sourcewise.core.types import DocumentInfo

LIBRARY_URI = "sourcewise://library"
DOCUMENT_PREFIX = "sourcewise://document/"
PAGE_SIZE = 500  # document resources per resources/list page
RESOURCE_NOT_FOUND = -32002  # the specification's code; the SDK names no constant for it
_JSON = "application/json"

_LIBRARY = types.Resource(
    uri=LIBRARY_URI, name="library", mimeType=_JSON,
    description="Every file in the library: path, title, type, pages, status and its resource uri.",
)  # fmt: skip
TEMPLATES = [
    types.ResourceTemplate(
        uriTemplate=DOCUMENT_PREFIX + "{document_id}",
        name="document",
        description="One indexed document: its metadata and its passages (chunk_id, page, "
        "heading, text) in reading order.",
        mimeType=_JSON,
    )
]


def document_uri(document_id: int) -> str:
    return f"{DOCUMENT_PREFIX}{document_id}"


def document_json(doc: DocumentInfo) -> dict[str, Any]:
    """A document's metadata, as ``list_documents`` and the library resource give it."""
    return {**asdict(doc), "uri": document_uri(doc.document_id)}


def list_page(engine: Engine, cursor: str | None) -> types.ListResourcesResult:
    """The library resource, then the indexed documents, ``PAGE_SIZE`` at a time."""
    start = _offset(cursor)
    docs = [d for d in engine.library.documents() if d.status == "indexed"]
    page = [_resource(d) for d in docs[start : start + PAGE_SIZE]]
    if start == 0:
        page.insert(0, _LIBRARY)
    more = start + PAGE_SIZE < len(docs)
    return types.ListResourcesResult(
        resources=page, nextCursor=str(start + PAGE_SIZE) if more else None
    )


def read(engine: Engine, uri: str) -> list[ReadResourceContents]:
    if uri == LIBRARY_URI:
        return [_json({"documents": [document_json(d) for d in engine.library.documents()]})]
    if uri.startswith(DOCUMENT_PREFIX) and uri[len(DOCUMENT_PREFIX) :].isdigit():
        document_id = int(uri[len(DOCUMENT_PREFIX) :])
        found = engine.library.documents(document_id=document_id)
        if found:
            passages = [
                {"chunk_id": p.chunk_id, "page": p.page, "heading": p.heading, "text": p.text}
                for p in engine.library.passages(document_id=document_id)
            ]
            return [_json({"document": asdict(found[0]), "passages": passages})]
    raise McpError(types.ErrorData(code=RESOURCE_NOT_FOUND, message=(
        f"no resource {uri}: the resources are {LIBRARY_URI} and {DOCUMENT_PREFIX}<document_id>"
    )))  # fmt: skip


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isdigit():
        message = f"invalid cursor {cursor!r}: pass back the nextCursor given"
        raise McpError(types.ErrorData(code=types.INVALID_PARAMS, message=message))
    return int(cursor)


def _resource(doc: DocumentInfo) -> types.Resource:
    name = Path(doc.path).name
    return types.Resource(uri=document_uri(doc.document_id), name=name, title=doc.title or name,
                          description=doc.path, mimeType=_JSON)  # fmt: skip


def _json(data: Any) -> ReadResourceContents:
    return ReadResourceContents(content=json.dumps(data, ensure_ascii=False), mime_type=_JSON)
