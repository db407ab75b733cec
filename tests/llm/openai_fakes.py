"""Model servers on loopback for the ``llm.backend = "openai"`` tests.

:class:`FakeOpenAIServer` is a tiny OpenAI-compatible server in a thread (http.server): it
answers like the echo model (the first sentence of source [1], cited), streams chunked server-sent
events as uvicorn does, and can leave out its tokenizer or log-probabilities, or drop the
connection mid-answer. :func:`llama_server` runs llama-cpp-python's real server on a GGUF.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sourcewise.core.testing import EchoChatModel


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeOpenAIServer:
    """An OpenAI-compatible server on 127.0.0.1; ``requests`` records (path, body)."""

    def __init__(self, *, models: tuple[str, ...] = ("fake-model",), tokenizer: bool = True,
                 logprobs: bool = True, p_yes: float = 0.9, drop_after: int | None = None,
                 n_ctx: int | None = None) -> None:  # fmt: skip
        self.models, self.tokenizer, self.logprobs = models, tokenizer, logprobs
        self.p_yes = p_yes  # the probability of "Yes" in its log-probabilities
        self.drop_after = drop_after  # stream this many chunks, then cut the connection
        self.n_ctx = n_ctx  # reported on /props, as llama.cpp does
        self.requests: list[tuple[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()


def _handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # chunked streaming, as uvicorn sends it

        def log_message(self, *args: Any) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            server.requests.append((self.path, None))
            server.headers.append(dict(self.headers))
            if self.path == "/v1/models":
                self._json({"object": "list", "data": [{"id": m, "object": "model"}
                                                        for m in server.models]})  # fmt: skip
            elif self.path == "/props" and server.n_ctx:
                self._json({"default_generation_settings": {"n_ctx": server.n_ctx}})
            else:
                self._json({"error": {"message": "File Not Found"}}, 404)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            server.requests.append((self.path, body))
            server.headers.append(dict(self.headers))
            if self.path == "/tokenize" and server.tokenizer and "content" in body:
                self._json({"tokens": list(range(len(body["content"].split())))})
            elif self.path != "/v1/chat/completions":
                self._json({"detail": "Not Found"}, 404)
            elif body.get("stream"):
                self._stream(EchoChatModel._reply(body["messages"][-1]["content"]))
            elif body.get("logprobs") and server.logprobs:
                self._json(_logprobs_reply(server.p_yes))
            else:
                self._json({"choices": [{"message": {"role": "assistant", "content": "Yes"},
                                         "finish_reason": "length"}]})  # fmt: skip

        def _json(self, data: Any, status: int = 200) -> None:
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _stream(self, reply: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            words = [w + " " for w in reply.split(" ")]
            for i, word in enumerate(words):
                if server.drop_after is not None and i == server.drop_after:
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)  # the server died
                    self.close_connection = True
                    return
                last = i == len(words) - 1
                chunk = {"choices": [{"index": 0, "delta": {"content": word},
                                      "finish_reason": "stop" if last else None}]}  # fmt: skip
                self._chunk(f"data: {json.dumps(chunk)}\n\n")
            self._chunk("data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")

        def _chunk(self, text: str) -> None:
            raw = text.encode()
            self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
            self.wfile.flush()

    return Handler


def _logprobs_reply(p_yes: float) -> dict[str, Any]:
    import math

    top = [{"token": "Yes", "logprob": math.log(p_yes)},
           {"token": "No", "logprob": math.log(1 - p_yes)}]  # fmt: skip
    return {"choices": [{"message": {"role": "assistant", "content": "Yes"},
                         "logprobs": {"content": [{"token": "Yes", "logprob": top[0]["logprob"],
                                                   "top_logprobs": top}]},
                         "finish_reason": "length"}]}  # fmt: skip


@contextlib.contextmanager
def llama_server(
    model: Path, log: Path, alias: str = "smollm2"
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """llama-cpp-python's OpenAI-compatible server on ``model``, on a free loopback port;
    yields its base URL and process, and stops it."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias,
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "1", "--n_threads_batch", "1"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_ready(port, proc, log)
        yield f"http://127.0.0.1:{port}/v1", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"llama_cpp.server exited: {log.read_text(errors='replace')[-2000:]}"
            )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/v1/models")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise RuntimeError("llama_cpp.server did not start within 90 s")
