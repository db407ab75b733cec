"""A small HTTP client for a model server on this machine or the local network (httpx).

Only :mod:`sourcewise.core.llm.openai_server` uses it, and only when the user set
``llm.backend = "openai"``: Sourcewise makes no other connection. ``trust_env=False``: no
proxy, certificate file or netrc named in the environment applies (a local-network address must
not travel elsewhere). One client, and so one connection, per request: a loopback or LAN
connect costs well under a millisecond, and no pooled connection can go stale between answers.
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from sourcewise.core.errors import ModelError

CONNECT_TIMEOUT_S = 5.0  # a server on this machine or the LAN accepts a connection at once
READ_TIMEOUT_S = 600.0  # a CPU server may think for minutes over a long prompt
SSE_DONE = "[DONE]"  # the OpenAI stream's last event
_MESSAGE_CHARS = 300  # of a server's error text, in our one-line messages


class ServerError(ModelError):
    """The server answered with an HTTP error; ``status`` says which."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ServerAddress:
    scheme: str
    host: str
    port: int
    api: str  # the OpenAI API's path prefix: "/v1"
    root: str  # the server's own prefix, where llama.cpp's /tokenize and /props live

    @classmethod
    def parse(cls, url: str) -> ServerAddress:
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as err:
            raise ModelError(f"llm.base_url is not a valid address: {url!r} ({err})") from err
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"llm.base_url must start with http:// or https://, got {url!r}")
        path = parts.path.rstrip("/")
        api = path if path.endswith("/v1") else f"{path}/v1"
        port = port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname, port, api, api.removesuffix("/v1"))


class ServerClient:
    """JSON requests and server-sent event streams to one model server."""

    def __init__(self, base_url: str, api_key: str | None = None, *,
                 read_timeout_s: float = READ_TIMEOUT_S) -> None:  # fmt: skip
        """``read_timeout_s``: the longest wait for a reply once connected (a connection test
        waits seconds, not an answer's minutes)."""
        self.address = ServerAddress.parse(base_url)
        self.read_timeout_s = read_timeout_s
        self.url = base_url.strip().rstrip("/")  # as the user wrote it, for messages
        # identity: a streamed answer arrives as sent, never held back by a compressor
        self._headers = {"Content-Type": "application/json", "Accept-Encoding": "identity"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"  # never part of a message
        self._tls: ssl.SSLContext | None = None  # the system's certificates, made once

    def api_path(self, path: str) -> str:
        return self.address.api + path

    def root_path(self, path: str) -> str:
        return self.address.root + path

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """The JSON reply to one request; a clear :class:`ModelError` when there is none."""
        with self._client() as client, closing(self._send(client, method, path, body)) as response:
            raw = self._read(response, path)
        try:
            return json.loads(raw)
        except ValueError as err:
            raise ServerError(
                f"the model server at {self.url} sent a reply to {path} that is not JSON",
                response.status_code,
            ) from err

    def events(self, path: str, body: Any) -> Generator[Any, None, None]:
        """POST ``body`` and yield each server-sent event's JSON data (``SSE_DONE`` last).

        Ends quietly when the body ends: only the caller knows whether the answer was
        complete. Closing the iterator closes the connection, which stops the server."""
        with self._client() as client, closing(self._send(client, "POST", path, body)) as response:
            if response.status_code >= 400:
                self._read(response, path)  # raises with the server's message
            yield from self._parse_events(response)

    # -- the wire --------------------------------------------------------------------------------
    def _client(self) -> httpx.Client:
        if self._tls is None:
            self._tls = ssl.create_default_context()  # as http.client verifies: system CAs
        timeout = httpx.Timeout(self.read_timeout_s,
                                connect=min(CONNECT_TIMEOUT_S, self.read_timeout_s))  # fmt: skip
        return httpx.Client(timeout=timeout, verify=self._tls, trust_env=False)

    def _send(self, client: httpx.Client, method: str, path: str, body: Any) -> httpx.Response:
        a = self.address
        url = httpx.URL(scheme=a.scheme, host=a.host, port=a.port, path=path)
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = client.build_request(method, url, content=data, headers=self._headers)
        try:
            return client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout) as err:
            raise ModelError(
                f"cannot reach the model server at {self.url}: {_reason(err)}"
            ) from err
        except httpx.TransportError as err:
            raise ModelError(
                f"the model server at {self.url} did not answer: {_reason(err)}"
            ) from err

    def _read(self, response: httpx.Response, path: str) -> bytes:
        try:
            raw = response.read()
        except httpx.TransportError as err:
            raise ModelError(
                f"the model server at {self.url} broke off its reply: {_reason(err)}"
            ) from err
        if response.status_code >= 400:
            raise ServerError(
                f"the model server at {self.url} answered {path} with HTTP "
                f"{response.status_code}: {_error_text(raw) or response.reason_phrase}",
                response.status_code,
            )
        return raw

    def _parse_events(self, response: httpx.Response) -> Iterator[Any]:
        data: list[str] = []
        for line in self._lines(response):
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if text.startswith("data:"):
                data.append(text[5:].removeprefix(" "))
            elif not text and data:  # a blank line ends the event
                payload, data = "\n".join(data), []
                if payload.strip() == SSE_DONE:
                    yield SSE_DONE
                    return
                try:
                    yield json.loads(payload)
                except ValueError as err:
                    raise ModelError(
                        f"the model server at {self.url} sent an event that is not JSON: "
                        f"{payload[:80]!r}"
                    ) from err

    def _lines(self, response: httpx.Response) -> Iterator[bytes]:
        """The body's lines as they arrive. Split on ``\\n`` only, as SSE says: httpx's
        ``iter_lines`` also splits on U+2028 and U+0085, which a JSON string may hold raw."""
        pending = b""
        try:
            for chunk in response.iter_bytes():
                *lines, pending = (pending + chunk).split(b"\n")
                yield from lines
        except httpx.RemoteProtocolError:
            return  # the body ended early; an event cut off by it is dropped, as SSE says
        except httpx.TransportError as err:
            raise ModelError(
                f"the model server at {self.url} closed the connection mid-answer ({_reason(err)})"
            ) from err


def _reason(err: BaseException) -> str:
    """A few words on why a connection failed, for a one-line message."""
    if isinstance(err, httpx.TimeoutException):
        return "no reply in time"
    if isinstance(err, httpx.RemoteProtocolError):
        return "the server closed the connection"
    cause = err  # httpx's error wraps httpcore's, which was raised while handling the OS's
    for _ in range(4):
        cause = cause.__cause__ or cause.__context__ or cause
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, socket.gaierror):
        return "unknown host name"
    if isinstance(cause, TimeoutError):
        return "no reply in time"
    if isinstance(cause, ConnectionResetError):
        return "connection reset"
    if isinstance(cause, ssl.SSLError):
        return f"TLS failed: {cause.reason or cause}"
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror.lower()
    return str(err) or type(err).__name__


def _error_text(raw: bytes) -> str:
    """The message in an error reply: OpenAI's ``{"error": {"message": ...}}``, FastAPI's
    ``{"detail": ...}``, or the text itself."""
    text = raw.decode("utf-8", "replace").strip()
    try:
        body = json.loads(text)
    except ValueError:
        return text[:_MESSAGE_CHARS]
    if isinstance(body, dict):
        found = body.get("error") or body.get("detail") or body.get("message") or body
        if isinstance(found, dict):
            found = found.get("message") or found
        return str(found)[:_MESSAGE_CHARS]
    return text[:_MESSAGE_CHARS]
