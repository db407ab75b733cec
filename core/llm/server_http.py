"""A small HTTP client for a model server on this machine or the local network (stdlib only).

Only :mod:`sourcewise.core.llm.openai_server` uses it, and only when the user set
``llm.backend = "openai"``: Sourcewise makes no other connection. ``http.client`` rather than
``urllib.request`` or httpx: it never sends a request through a proxy named in the environment
(a local-network address must not travel elsewhere), and a reply can be read line by line while
it streams. One connection per request: a loopback or LAN connect costs well under a
millisecond, and no pooled connection can go stale between answers.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

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
        self._headers = {"Content-Type": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"  # never part of a message

    def api_path(self, path: str) -> str:
        return self.address.api + path

    def root_path(self, path: str) -> str:
        return self.address.root + path

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """The JSON reply to one request; a clear :class:`ModelError` when there is none."""
        conn = self._connect()
        try:
            response = self._send(conn, method, path, body)
            raw = self._read(response, path)
        finally:
            conn.close()
        try:
            return json.loads(raw)
        except ValueError as err:
            raise ServerError(
                f"the model server at {self.url} sent a reply to {path} that is not JSON",
                response.status,
            ) from err

    def events(self, path: str, body: Any) -> Generator[Any, None, None]:
        """POST ``body`` and yield each server-sent event's JSON data (``SSE_DONE`` last).

        Ends quietly when the body ends: only the caller knows whether the answer was
        complete. Closing the iterator closes the connection, which stops the server."""
        conn = self._connect()
        try:
            response = self._send(conn, "POST", path, body)
            if response.status >= 400:
                self._read(response, path)  # raises with the server's message
            yield from self._parse_events(response)
        finally:
            conn.close()

    # -- the wire --------------------------------------------------------------------------------
    def _connect(self) -> http.client.HTTPConnection:
        a = self.address
        kind = http.client.HTTPSConnection if a.scheme == "https" else http.client.HTTPConnection
        conn = kind(a.host, a.port, timeout=min(CONNECT_TIMEOUT_S, self.read_timeout_s))
        try:
            conn.connect()
        except OSError as err:
            conn.close()
            raise ModelError(
                f"cannot reach the model server at {self.url}: {_reason(err)}"
            ) from err
        if conn.sock is not None:
            conn.sock.settimeout(self.read_timeout_s)  # the connect was quick; a reply may not be
        return conn

    def _send(
        self, conn: http.client.HTTPConnection, method: str, path: str, body: Any
    ) -> http.client.HTTPResponse:
        data = None if body is None else json.dumps(body).encode("utf-8")
        try:
            conn.request(method, path, body=data, headers=self._headers)
            return conn.getresponse()
        except (OSError, http.client.HTTPException) as err:
            raise ModelError(
                f"the model server at {self.url} did not answer: {_reason(err)}"
            ) from err

    def _read(self, response: http.client.HTTPResponse, path: str) -> bytes:
        try:
            raw = response.read()
        except (OSError, http.client.HTTPException) as err:
            raise ModelError(
                f"the model server at {self.url} broke off its reply: {_reason(err)}"
            ) from err
        if response.status >= 400:
            raise ServerError(
                f"the model server at {self.url} answered {path} with HTTP {response.status}: "
                f"{_error_text(raw) or response.reason}",
                response.status,
            )
        return raw

    def _parse_events(self, response: http.client.HTTPResponse) -> Iterator[Any]:
        data: list[str] = []
        while True:
            try:
                line = response.readline()
            except (OSError, http.client.HTTPException) as err:
                raise ModelError(
                    f"the model server at {self.url} closed the connection mid-answer "
                    f"({_reason(err)})"
                ) from err
            if not line:
                return  # an event cut off by the end of the body is dropped, as SSE says
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


def _reason(err: BaseException) -> str:
    """A few words on why a connection failed, for a one-line message."""
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, socket.gaierror):
        return "unknown host name"
    if isinstance(err, TimeoutError):
        return "no reply in time"
    if isinstance(err, http.client.IncompleteRead):
        return "the reply was cut off"
    if isinstance(err, http.client.RemoteDisconnected):
        return "the server closed the connection"
    if isinstance(err, ConnectionResetError):
        return "connection reset"
    if isinstance(err, ssl.SSLError):
        return f"TLS failed: {err.reason or err}"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror.lower()
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
