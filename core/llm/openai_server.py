"""A chat model on a server the user already runs, through its OpenAI-compatible API.

llama.cpp's ``llama-server``, Ollama, LM Studio, vLLM or llama-cpp-python's server, on this
machine or the local network (``llm.backend = "openai"``, ``llm.base_url``, ``llm.api_model``).
The answer pipeline is the same as with the built-in model; what differs:

- The constructor stores settings; the first call (or ``warm_up``) asks ``/v1/models`` whether
  the server is there and has the model, and ``/props`` (llama.cpp) for its context window.
- Answers stream from ``/v1/chat/completions`` (``stream: true``); the server applies its own
  chat template. Cancelling closes the connection, which stops the server generating.
- Tokens are counted by the server's tokenizer when it has one (llama.cpp's ``/tokenize``,
  vLLM's ``/tokenize``, llama-cpp-python's ``/extras/tokenize/count``); otherwise (Ollama,
  LM Studio) by :func:`estimate_tokens`, which errs high so the context budget holds.
- The yes/no judgement reads ``top_logprobs`` of a one-token reply; a server without
  log-probabilities raises :class:`LogprobsUnavailable` and the answer goes unjudged.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from sourcewise.core.errors import ModelError
from sourcewise.core.llm.base import SAMPLING_SEED, LogprobsUnavailable, Message
from sourcewise.core.llm.server_http import SSE_DONE, ServerClient, ServerError
from sourcewise.core.progress import CancelToken
from sourcewise.core.settings import LLMSettings

LETTERS_PER_TOKEN = 3.0  # English words average ~4.5 characters a token: errs high
TOP_LOGPROBS = 20  # the most OpenAI's API (and vLLM by default) returns
_COUNT_CACHE = 20_000  # texts whose token count is remembered (evidence sentences recur)
_WIDE = 0x2E80  # CJK and later scripts: up to three byte-level tokens a character


def estimate_tokens(text: str) -> int:
    """Tokens in ``text`` without the model's tokenizer, on the high side so a budget planned
    with it holds: ASCII letters and spaces count one per ``LETTERS_PER_TOKEN``; every other
    character one (digits: Qwen and Llama split numbers; punctuation: mostly single tokens),
    and CJK two. On README.md and docs/ (339 sentences) it gives 1.28x SmolLM2's true count
    and 1.35x Qwen2.5's, and no sentence under its true count."""
    letters = sum(1 for ch in text if ch.isascii() and (ch.isalpha() or ch.isspace()))
    wide = sum(1 for ch in text if ord(ch) >= _WIDE)
    return (len(text) - letters - wide) + 2 * wide + math.ceil(letters / LETTERS_PER_TOKEN)


@dataclass(frozen=True)
class _Tokenizer:
    """A tokenize endpoint of some servers: where it is, what it reads, what it returns."""

    path: str  # under the server's root, not /v1
    text_key: str

    def body(self, text: str, model: str) -> dict[str, Any]:
        return {self.text_key: text, "model": model}

    @staticmethod
    def count(reply: Any) -> int | None:
        if not isinstance(reply, dict):
            return None
        if isinstance(reply.get("count"), int):
            return int(reply["count"])
        tokens = reply.get("tokens")
        return len(tokens) if isinstance(tokens, list) else None


# Tried in order on the first count; the one that answers is remembered.
TOKENIZERS = (
    _Tokenizer("/tokenize", "content"),  # llama.cpp's llama-server
    _Tokenizer("/tokenize", "prompt"),  # vLLM
    _Tokenizer("/extras/tokenize/count", "input"),  # llama-cpp-python's server
)
_NO_TOKENIZER = _Tokenizer("", "")


class OpenAIServerChatModel:
    """A :class:`~sourcewise.core.llm.base.ChatModel` served over HTTP."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.client = ServerClient(
            settings.base_url, settings.resolved_api_key()
        )  # parses the address; connects nothing
        self._model: str | None = None  # the server's id for it, once asked
        self._window: int | None = None  # the server's context window, when it says
        self._tokenizer: _Tokenizer | None = None  # None: not probed yet
        self._logprobs = True  # until the server shows it has none
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- identity --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._model or self.settings.api_model or f"model at {self.client.url}"

    @property
    def context_size(self) -> int:
        self._ready()
        own = self.settings.context_size
        return min(own, self._window) if self._window else own

    def warm_up(self) -> None:
        self._ready()

    def _ready(self) -> str:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    model, window = self._find_model()
                    self._window = window or self._props_window()
                    self._model = model
        return self._model

    def _find_model(self) -> tuple[str, int | None]:
        listing = self.client.call("GET", self.client.api_path("/models"))
        by_id = listed_models(listing, self.client.url)
        chosen = pick_model(by_id, self.settings.api_model, self.client.url)
        return chosen, _positive(by_id[chosen].get("max_model_len"))  # vLLM says

    def _props_window(self) -> int | None:
        """llama.cpp's ``/props`` names its context window; other servers have no such page."""
        try:
            props = self.client.call("GET", self.client.root_path("/props"))
        except ModelError:
            return None
        if not isinstance(props, dict):
            return None
        settings = props.get("default_generation_settings")
        nested = settings.get("n_ctx") if isinstance(settings, dict) else None
        return _positive(nested) or _positive(props.get("n_ctx"))

    # -- tokens ----------------------------------------------------------------------------
    def count_tokens(self, text: str) -> int:
        if not text:
            return 0
        known = self._counts.get(text)
        if known is not None:
            return known
        counted = self._server_count(text)
        if counted is None:
            return estimate_tokens(text)
        if len(self._counts) >= _COUNT_CACHE:
            self._counts.clear()
        self._counts[text] = counted
        return counted

    def _server_count(self, text: str) -> int | None:
        if self._tokenizer is _NO_TOKENIZER:
            return None
        model = self._ready()
        for tokenizer in (self._tokenizer,) if self._tokenizer else TOKENIZERS:
            try:
                reply = self.client.call("POST", self.client.root_path(tokenizer.path),
                                         tokenizer.body(text, model))  # fmt: skip
            except ServerError:
                continue  # not this server's endpoint (404, or a body it does not read)
            except ModelError:
                return None  # unreachable now: estimate; the answer's request will say why
            counted = tokenizer.count(reply)
            if counted is not None:
                self._tokenizer = tokenizer
                return counted
        if self._tokenizer is None:
            self._tokenizer = _NO_TOKENIZER
        return None

    # -- judgements ------------------------------------------------------------------------
    def choice_logprobs(
        self, messages: Sequence[Message], options: Sequence[str]
    ) -> dict[str, float]:
        if not self._logprobs:
            raise LogprobsUnavailable(self._no_logprobs())
        body = {"model": self._ready(), "messages": list(messages), "max_tokens": 1,
                "temperature": 0.0, "logprobs": True, "top_logprobs": TOP_LOGPROBS}  # fmt: skip
        try:
            reply = self.client.call("POST", self.client.api_path("/chat/completions"), body)
        except ServerError as err:
            if not 400 <= err.status < 500:
                raise
            reply = None  # a server that rejects the logprobs fields
        top = _first_token_logprobs(reply)
        if not top:
            self._logprobs = False
            raise LogprobsUnavailable(self._no_logprobs())
        # An option outside the list is at most as likely as the least likely listed token.
        floor = min(top.values())
        out = {}
        for option in options:
            found = _logsumexp([lp for tok, lp in top.items() if tok.strip() == option])
            out[option] = floor if found is None else found
        return out

    def _no_logprobs(self) -> str:
        return f"the model server at {self.client.url} gives no log-probabilities"

    # -- generation ------------------------------------------------------------------------
    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        body = {"model": self._ready(), "messages": list(messages), "max_tokens": max_tokens,
                "temperature": temperature, "stream": True, "seed": SAMPLING_SEED}  # fmt: skip
        finished = False
        with closing(self.client.events(self.client.api_path("/chat/completions"), body)) as events:
            for event in events:
                if event == SSE_DONE:
                    finished = True
                    break
                piece, done = self._delta(event)
                finished = finished or done
                if cancel is not None and cancel.cancelled:
                    return  # leaving the with-block closes the connection
                if piece:
                    yield piece
        if not finished:
            raise ModelError(
                f"the model server at {self.client.url} closed the connection mid-answer"
            )

    def _delta(self, event: Any) -> tuple[str, bool]:
        """The text in one streamed chunk, and whether it was the last one."""
        if not isinstance(event, dict):
            return "", False
        if event.get("error"):
            error = event["error"]
            text = error.get("message", error) if isinstance(error, dict) else error
            raise ModelError(f"the model server at {self.client.url} failed mid-answer: {text}")
        choices = event.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            return "", False  # e.g. a usage-only chunk
        delta = choices[0].get("delta")
        content = delta.get("content") if isinstance(delta, dict) else None
        return (content if isinstance(content, str) else ""), bool(choices[0].get("finish_reason"))


def listed_models(listing: Any, url: str) -> dict[str, dict[str, Any]]:
    """The entries of a ``/v1/models`` reply by id; a :class:`ModelError` when it is none."""
    entries = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(entries, list):
        raise ModelError(f"the model server at {url} sent no list of models")
    return {str(e["id"]): e for e in entries if isinstance(e, dict) and e.get("id")}


def pick_model(by_id: dict[str, Any], wanted: str, url: str) -> str:
    """The server's id for ``llm.api_model`` (empty: its first model); a :class:`ModelError`
    naming the ones it has when it lacks it."""
    if not wanted:
        if not by_id:
            raise ModelError(f"the model server at {url} has no model loaded")
        return next(iter(by_id))
    # Ollama lists "llama3.2:latest" for "llama3.2"
    chosen = next((i for i in (wanted, f"{wanted}:latest") if i in by_id), "")
    if not chosen:
        have = ", ".join(by_id) or "none"
        raise ModelError(f"the model server at {url} has no model {wanted!r} (it has: "
                         f"{have}); set llm.api_model to one of them")  # fmt: skip
    return chosen


def _first_token_logprobs(reply: Any) -> dict[str, float]:
    """{token: logprob} of the first reply token's alternatives, or {} when there are none."""
    try:
        first = reply["choices"][0]["logprobs"]["content"][0]
        return {str(t["token"]): float(t["logprob"]) for t in first["top_logprobs"]}
    except (KeyError, IndexError, TypeError, ValueError):
        return {}


def _logsumexp(values: list[float]) -> float | None:
    """log(sum(exp(v))): " Yes" and "Yes" both start a yes; None when there are none."""
    if not values:
        return None
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and value > 0 else None
