"""The MCP tools: their schemas, and what each does with the engine facade.

Each tool returns one JSON object, in the shapes the command line prints: ``search`` the rows of
``sourcewise search --json`` (under ``results``), ``ask`` the object of ``sourcewise ask --json``.
The functions here are blocking engine calls; :mod:`sourcewise.core.mcp.server` runs them in a
worker thread. Bad input and an empty library raise :class:`SourcewiseError`, whose message the
client is shown as the tool's error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mcp import types

from sourcewise.core.engine import Engine
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.filter_options import build_filters
from sourcewise.core.mcp.resources import document_json, document_uri
from sourcewise.core.progress import CancelToken
from sourcewise.core.rendering.render import answer_json, hit_json
from sourcewise.core.types import AskOptions, SearchFilters

NOTHING_INDEXED = "nothing is indexed yet: index a folder first (sourcewise index FOLDER)"
MAX_K = 50
MAX_DOCUMENTS = 1000


def _text(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **more}


def _texts(description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description}


def _integer(description: str, minimum: int, maximum: int | None = None) -> dict[str, Any]:
    bounds = {"minimum": minimum} | ({} if maximum is None else {"maximum": maximum})
    return {"type": "integer", "description": description, **bounds}


def _schema(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}  # fmt: skip


_FILTERS = {
    "collections": _texts("Only these collections."),
    "folder": _text("Only documents beneath this absolute folder."),
    "path_glob": _text("Only paths matching this glob, e.g. '*/reports/*'."),
    "file_types": _texts("Only these file types, e.g. ['pdf', 'docx']."),
    "since": _text("Only files modified on or after this date (YYYY-MM-DD)."),
    "sender": _text(
        "Only email messages (and their attachments) from this sender: any part of "
        "the name or address."
    ),
    "after": _text("Only messages, notes or papers dated on or after this date (YYYY-MM-DD)."),
    "before": _text("Only messages, notes or papers dated on or before this date (YYYY-MM-DD)."),
    "tags": _texts("Only notes with every one of these tags."),
    "zotero_collections": _texts("Only papers of these Zotero collections."),
}
_READ_ONLY = types.ToolAnnotations(readOnlyHint=True, openWorldHint=False)

TOOLS = [
    types.Tool(
        name="search",
        description="Find the passages of the user's indexed files that best match a query. "
        "Each result has the file's path, its page, the passage text and a chunk_id "
        "(get_passage reads it again). Cite results by path and page.",
        inputSchema=_schema(
            ["query"],
            query=_text("What to look for.", minLength=1),
            k=_integer("How many results.", 1, MAX_K),
            **_FILTERS,
        ),
        annotations=_READ_ONLY,
    ),
    types.Tool(
        name="ask",
        description="Answer a question from the user's indexed files with the local model. The "
        "answer cites numbered sources ([1], [2]) listed in citations (n, path, page, quote); "
        "when the files do not cover the question it abstains and says why. Takes seconds.",
        inputSchema=_schema(["question"], question=_text("The question.", minLength=1), **_FILTERS),
        annotations=_READ_ONLY,
    ),
    types.Tool(
        name="list_documents",
        description="List the indexed files (path, title, type, pages, status, document_id and "
        "the resource uri that reads the document's passages).",
        inputSchema=_schema(
            [],
            collection=_text("Only this collection."),
            offset=_integer("Skip this many (paging).", 0),
            limit=_integer("At most this many (default 100).", 1, MAX_DOCUMENTS),
        ),
        annotations=_READ_ONLY,
    ),
    types.Tool(
        name="get_passage",
        description="Read one passage by the chunk_id a search result or citation gives, with "
        "its file's path and page.",
        inputSchema=_schema(["chunk_id"], chunk_id=_integer("A result's chunk_id.", 1)),
        annotations=_READ_ONLY,
    ),
]


def call(engine: Engine, name: str, args: Mapping[str, Any], cancel: CancelToken) -> dict[str, Any]:
    """Run tool ``name`` (arguments already checked against its schema); blocking."""
    if name == "search":
        return search(engine, args)
    if name == "ask":
        return ask(engine, args, cancel)
    if name == "list_documents":
        return list_documents(engine, args)
    if name == "get_passage":
        return get_passage(engine, int(args["chunk_id"]))
    raise SourcewiseError(
        f"unknown tool {name!r}; the tools are {', '.join(t.name for t in TOOLS)}"
    )


def search(engine: Engine, args: Mapping[str, Any]) -> dict[str, Any]:
    _require_documents(engine)
    hits = engine.library.search(str(args["query"]), args.get("k"), _filters(args))
    return {"results": [hit_json(h) for h in hits]}


def ask(engine: Engine, args: Mapping[str, Any], cancel: CancelToken) -> dict[str, Any]:
    _require_documents(engine)
    return answer_json(
        engine.answers.ask(str(args["question"]), AskOptions(filters=_filters(args), cancel=cancel))
    )


def list_documents(engine: Engine, args: Mapping[str, Any]) -> dict[str, Any]:
    docs = engine.library.documents(args.get("collection"))
    offset, limit = int(args.get("offset", 0)), int(args.get("limit", 100))
    return {"total": len(docs), "offset": offset,
            "documents": [document_json(d) for d in docs[offset : offset + limit]]}  # fmt: skip


def get_passage(engine: Engine, chunk_id: int) -> dict[str, Any]:
    found = engine.library.passages(chunk_id=chunk_id)
    if not found:
        raise SourcewiseError(
            f"no indexed passage has chunk id {chunk_id} (its file may have been removed or "
            "re-indexed since): search again for current ids"
        )
    return {**asdict(found[0]), "uri": document_uri(found[0].document_id)}


def _require_documents(engine: Engine) -> None:
    # An empty library is the user's setup to fix, not "no results": say so.
    if engine.library.status().chunks == 0:
        raise SourcewiseError(NOTHING_INDEXED)


def _filters(args: Mapping[str, Any]) -> SearchFilters:
    folder = args.get("folder")
    return build_filters(
        tuple(args.get("collections", ())),
        Path(folder) if folder else None,
        args.get("path_glob"),
        tuple(args.get("file_types", ())),
        args.get("since"),
        sender=args.get("sender"),
        date_from=args.get("after"),
        date_to=args.get("before"),
        tags=tuple(args.get("tags", ())),
        zotero_collections=tuple(args.get("zotero_collections", ())),
    )
