"""An OpenAI-compatible API: ``GET /v1/models`` and ``POST /v1/chat/completions``.

The last user message is the question; earlier user/assistant messages are the history used
for follow-ups. Client system messages are ignored: the grounding rules are not negotiable.
Replies carry the cited passages in an extra ``sources`` field (on the final chunk when
streaming). Engine calls run in a worker thread, one at a time; a client that disconnects
mid-stream cancels its generation.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from sourcewise.core.chat.render import answer_json, citation_json
from sourcewise.core.engine import Engine
from sourcewise.core.errors import Cancelled, SourcewiseError
from sourcewise.core.progress import CancelToken
from sourcewise.core.types import Answer, ChatTurn, SearchFilters


class BadRequest(Exception):
    """The request body is not a chat completion request we can serve."""


@dataclass(frozen=True)
class ChatRequest:
    question: str
    history: list[ChatTurn]
    stream: bool
    filters: SearchFilters


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # [{"type": "text", "text": ...}, ...]
        return "".join(
            p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"
        )
    raise BadRequest("message content must be a string or a list of text parts")


def parse_request(body: Any) -> ChatRequest:
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest("'messages' must be a non-empty list")
    turns: list[ChatTurn] = []
    for m in messages:
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            raise BadRequest("each message needs a 'role' and 'content'")
        if m["role"] in ("user", "assistant"):
            turns.append(ChatTurn(m["role"], _text(m.get("content", ""))))
    if not turns or turns[-1].role != "user" or not turns[-1].content.strip():
        raise BadRequest("the last message must be a non-empty user message (the question)")
    collections = body.get("collections") or []
    if not isinstance(collections, list) or not all(isinstance(c, str) for c in collections):
        raise BadRequest("'collections' must be a list of names")
    return ChatRequest(turns[-1].content, turns[:-1], bool(body.get("stream", False)),
                       SearchFilters(collections=tuple(collections)))  # fmt: skip


def _error(status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind}}, status_code=status)


def _extras(answer: Answer) -> dict[str, Any]:
    data = answer_json(answer)
    return {"sources": [citation_json(c) for c in answer.citations], "abstained": answer.abstained,
            "timings": data["timings"]}  # fmt: skip


class ChatService:
    """The engine behind a lock: llama.cpp and SQLite serve one request at a time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self.engine.require_chat_model().name

    def ask(self, req: ChatRequest, on_token: Callable[[str], None] | None = None,
            cancel: CancelToken | None = None) -> Answer:  # fmt: skip
        with self.lock:
            if cancel is not None:
                cancel.check()  # the client left while waiting for the lock
            return self.engine.ask(req.question, filters=req.filters, history=req.history,
                                   on_token=on_token, cancel=cancel)  # fmt: skip


def create_app(engine: Engine) -> Starlette:
    service = ChatService(engine)

    async def models(_: Request) -> Response:
        try:
            name = service.model_name
        except SourcewiseError as err:
            return _error(503, str(err), "server_error")
        return JSONResponse({"object": "list", "data": [
            {"id": name, "object": "model", "created": 0, "owned_by": "sourcewise"}]})  # fmt: skip

    async def completions(request: Request) -> Response:
        try:
            req = parse_request(json.loads(await request.body() or b"null"))
        except (BadRequest, json.JSONDecodeError, UnicodeDecodeError) as err:
            return _error(400, str(err))
        try:
            name = service.model_name
        except SourcewiseError as err:
            return _error(503, str(err), "server_error")
        meta = {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "created": int(time.time()),
            "model": name,
        }
        if req.stream:
            return StreamingResponse(_sse(service, req, meta), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache"})  # fmt: skip
        try:
            answer = await run_in_threadpool(service.ask, req)
        except SourcewiseError as err:
            return _error(500, str(err), "server_error")
        message = {"role": "assistant", "content": answer.answer}
        return JSONResponse({**meta, "object": "chat.completion",
                             "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                             **_extras(answer)})  # fmt: skip

    routes = [
        Route("/v1/models", models),
        Route("/v1/chat/completions", completions, methods=["POST"]),
    ]
    return Starlette(routes=routes)


def _chunk(
    meta: dict[str, Any], delta: dict[str, Any], finish: str | None = None, **extra: Any
) -> str:
    body = {**meta, "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}  # fmt: skip
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


async def _sse(service: ChatService, req: ChatRequest, meta: dict[str, Any]) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    cancel = CancelToken()

    def put(kind: str, value: Any) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, (kind, value))
        except RuntimeError:  # the loop is gone: the client and server have shut down
            cancel.cancel()

    def work() -> None:
        try:
            put("done", service.ask(req, lambda piece: put("token", piece), cancel))
        except Cancelled:
            put("cancelled", None)
        except Exception as err:  # noqa: BLE001 - any failure is reported to the client
            put("error", err)

    task = asyncio.ensure_future(run_in_threadpool(work))
    try:
        yield _chunk(meta, {"role": "assistant"})
        while True:
            kind, value = await queue.get()
            if kind == "token":
                yield _chunk(meta, {"content": value})
                continue
            if kind == "done":
                yield _chunk(meta, {}, "stop", answer=value.answer, **_extras(value))
            elif kind == "error":
                message = (
                    str(value)
                    if isinstance(value, SourcewiseError)
                    else f"internal error: {value!r}"
                )
                yield f"data: {json.dumps({'error': {'message': message, 'type': 'server_error'}})}\n\n"
            break
        yield "data: [DONE]\n\n"
    finally:
        cancel.cancel()  # a no-op when finished; stops generation when the client went away
        if task.done():
            task.result()
