"""An OpenAI-compatible API: ``GET /v1/models`` and ``POST /v1/chat/completions``, plus
``POST /v1/feedback`` rating a reply by its ``answer_id``.

The last user message is the question; earlier user/assistant messages are the history used
for follow-ups. Client system messages are ignored: the grounding rules are not negotiable.
Replies carry the cited passages in an extra ``sources`` field (on the final chunk when
streaming) and OpenAI's ``usage`` counts. ``max_tokens`` (or ``max_completion_tokens``)
shortens a reply below the server's ``llm.max_tokens``; a reply cut off there ends with
``finish_reason: "length"``; that holds in every answer mode (see ``Engine.answers.ask``: a
whole-document answer is cut there, or answered from passages when too short to read whole).
Engine calls run in a worker thread, one at a time; a client that disconnects, streaming or
not, cancels its generation or reading: streaming, Starlette's disconnect listener (ASGI spec
below 2.4, as uvicorn declares) closes :func:`_sse`, whose ``finally`` sets the cancel token. Errors, unknown URLs included, are
OpenAI-style JSON bodies.
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
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from sourcewise.core.engine import Engine
from sourcewise.core.errors import NO_CHAT_MODEL, Cancelled, ModelError, SourcewiseError
from sourcewise.core.progress import CancelToken
from sourcewise.core.rendering.render import answer_json, citation_json
from sourcewise.core.types import Answer, AskOptions, ChatTurn, SearchFilters


class BadRequest(Exception):
    """The request body is not a chat completion request we can serve."""


@dataclass(frozen=True)
class ChatRequest:
    question: str
    history: list[ChatTurn]
    stream: bool
    filters: SearchFilters
    max_tokens: int | None = None


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
                       SearchFilters(collections=tuple(collections)), _max_tokens(body))  # fmt: skip


def _max_tokens(body: dict[str, Any]) -> int | None:
    for key in ("max_completion_tokens", "max_tokens"):  # the newer name first, as OpenAI does
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise BadRequest(f"'{key}' must be a positive integer")
        return value
    return None


def _error(
    status: int, message: str, kind: str = "invalid_request_error", code: str | None = None
) -> JSONResponse:
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return JSONResponse(body, status_code=status)


def _usage(answer: Answer) -> dict[str, int]:
    u = answer.usage
    return {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens,
            "total_tokens": u.total_tokens}  # fmt: skip


def _finish_reason(answer: Answer) -> str:
    return "length" if answer.usage.truncated else "stop"


def _extras(answer: Answer) -> dict[str, Any]:
    data = answer_json(answer)
    return {"sources": [citation_json(c) for c in answer.citations], "abstained": answer.abstained,
            "timings": data["timings"], "answer_id": answer.log_id}  # fmt: skip


def parse_feedback(body: Any) -> tuple[int, int, str]:
    """``{"answer_id": 12, "rating": 1 | -1 | "up" | "down", "comment": "..."}`` (the id is the
    ``answer_id`` of a completion) -> (answer id, +1 or -1, comment)."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    answer_id, rating, comment = body.get("answer_id"), body.get("rating"), body.get("comment", "")
    if not isinstance(answer_id, int) or isinstance(answer_id, bool):
        raise BadRequest("'answer_id' must be the integer answer_id of a completion")
    known = isinstance(rating, (int, str)) and not isinstance(rating, bool)
    value = {"up": 1, "down": -1, 1: 1, -1: -1}.get(rating) if known else None
    if value is None:
        raise BadRequest("'rating' must be 1, -1, 'up' or 'down'")
    if not isinstance(comment, str):
        raise BadRequest("'comment' must be a string")
    return answer_id, value, comment


class ChatService:
    """The engine behind a lock: llama.cpp and SQLite serve one request at a time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()

    @property
    def model_name(self) -> str:
        """The chat model's name; ModelError when none is configured."""
        name = self.engine.models.in_use().chat_model
        if not name:
            raise ModelError(NO_CHAT_MODEL)
        return name

    def ask(self, req: ChatRequest, on_token: Callable[[str], None] | None = None,
            cancel: CancelToken | None = None) -> Answer:  # fmt: skip
        with self.lock:
            if cancel is not None:
                cancel.check()  # the client left while waiting for the lock
            options = AskOptions(filters=req.filters, history=req.history, on_token=on_token,
                                 cancel=cancel, max_tokens=req.max_tokens)  # fmt: skip
            return self.engine.answers.ask(req.question, options)


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
            answer = await _ask_while_connected(service, req, request)
        except Cancelled:
            return _error(499, "the client closed the request", "invalid_request_error")
        except SourcewiseError as err:
            return _error(500, str(err), "server_error")
        message = {"role": "assistant", "content": answer.answer}
        choice = {"index": 0, "message": message, "finish_reason": _finish_reason(answer)}
        return JSONResponse({**meta, "object": "chat.completion", "choices": [choice],
                             "usage": _usage(answer), **_extras(answer)})  # fmt: skip

    async def feedback(request: Request) -> Response:
        try:
            answer_id, rating, comment = parse_feedback(json.loads(await request.body() or b"null"))
        except (BadRequest, json.JSONDecodeError, UnicodeDecodeError) as err:
            return _error(400, str(err))
        try:  # not behind the service lock: a rating need not wait for a generation
            await run_in_threadpool(
                engine.answers.feedback, rating=rating, comment=comment, log_id=answer_id
            )
        except SourcewiseError as err:
            return _error(404, str(err), code="answer_not_found")
        return JSONResponse({"answer_id": answer_id, "rating": rating})

    routes = [
        Route("/v1/models", models),
        Route("/v1/chat/completions", completions, methods=["POST"]),
        Route("/v1/feedback", feedback, methods=["POST"]),
    ]
    handlers = {HTTPException: _http_error, Exception: _internal_error}
    return Starlette(routes=routes, exception_handlers=handlers)  # type: ignore[arg-type]


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """Unknown URLs and wrong methods answer as the OpenAI API does, in JSON."""
    if exc.status_code == 404:
        message = f"Unknown request URL: {request.method} {request.url.path}"
        return _error(404, message, code="unknown_url")
    if exc.status_code == 405:
        message = f"Method {request.method} is not allowed for {request.url.path}"
        return _error(405, message, code="method_not_allowed")
    return _error(exc.status_code, str(exc.detail))


async def _internal_error(_: Request, exc: Exception) -> Response:
    return _error(500, f"internal error: {exc!r}", "server_error")


async def _ask_while_connected(service: ChatService, req: ChatRequest, request: Request) -> Answer:
    """Answer in a worker thread; a client that hangs up cancels the generation (Cancelled)."""
    cancel = CancelToken()

    async def watch() -> None:
        # The body is read, so the next ASGI message is the disconnect.
        while (await request.receive())["type"] != "http.disconnect":
            pass
        cancel.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        return await run_in_threadpool(service.ask, req, None, cancel)
    finally:
        watcher.cancel()


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
                yield _chunk(meta, {}, _finish_reason(value), answer=value.answer,
                             usage=_usage(value), **_extras(value))  # fmt: skip
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
