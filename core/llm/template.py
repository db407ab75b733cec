"""Chat templates: a GGUF's Jinja ``tokenizer.chat_template`` rendered in a sandbox.

A chat template ships inside a downloaded model file, so it is untrusted code. It is rendered
with jinja2's :class:`ImmutableSandboxedEnvironment` (no attribute starting with ``_``, no
mutation of lists or dicts) hardened further: unsafe attribute access raises instead of
rendering as empty, the ``lipsum``/``cycler``/``joiner`` globals are removed, repetition and
power operators are bounded, and the output length is capped. Any failure is a ``ModelError``.
A GGUF without a template is rendered as ChatML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import jinja2
import jinja2.ext
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

from sourcewise.core.errors import ModelError
from sourcewise.core.llm.base import Message

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
MAX_OUTPUT_CHARS = 4_000_000  # far beyond any context window
_MAX_REPEAT = 100_000  # 'x' * n and [..] * n
_MAX_EXPONENT = 1_000
_MAX_BITS = 100_000  # of an integer power
# End-of-turn markers of common template families, used as stop strings when the template has them.
TURN_MARKERS = ("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>", "</s>")


class TemplateRaised(Exception):
    """A template called ``raise_exception(message)`` (e.g. on an unsupported role)."""


class _GenerationTag(jinja2.ext.Extension):
    """Pass-through for Hugging Face's ``{% generation %}...{% endgeneration %}`` block."""

    tags = {"generation"}  # noqa: RUF012 - jinja2's API is a class attribute

    def parse(self, parser: Parser) -> list[nodes.Node]:
        parser.stream.skip(1)
        body: list[nodes.Node] = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return body


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, but unsafe access fails loudly and big values are refused."""

    intercepted_binops = frozenset({"*", "**"})

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        raise SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} is not allowed"
        )

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > _MAX_EXPONENT:
                raise SecurityError("exponent too large")
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() * right > _MAX_BITS
            ):
                raise SecurityError("power too large")
            return left**right
        for seq, n in ((left, right), (right, left)):
            if (
                isinstance(seq, str | list | tuple)
                and isinstance(n, int)
                and n * max(1, len(seq)) > _MAX_REPEAT
            ):
                raise SecurityError("repetition too large")
        return left * right


def _raise_exception(message: str) -> None:
    raise TemplateRaised(message)


def _strftime_now(fmt: str) -> str:
    return datetime.now().strftime(fmt)


def _tojson(value: Any, ensure_ascii: bool = False, indent: int | None = None,
            separators: tuple[str, str] | None = None, sort_keys: bool = False) -> str:  # fmt: skip
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                      sort_keys=sort_keys)  # fmt: skip


def _environment() -> _Sandbox:
    env = _Sandbox(
        loader=jinja2.BaseLoader(),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[_GenerationTag, jinja2.ext.loopcontrols],
        autoescape=False,
    )
    for name in ("lipsum", "cycler", "joiner"):
        env.globals.pop(name, None)
    env.globals.update(raise_exception=_raise_exception, strftime_now=_strftime_now)
    env.filters["tojson"] = _tojson
    return env


# Errors a hostile or broken template can provoke while rendering; none may escape as a crash.
_RENDER_ERRORS = (jinja2.TemplateError, TemplateRaised, TypeError, ValueError, AttributeError,
                  KeyError, IndexError, ArithmeticError, RecursionError, MemoryError)  # fmt: skip


class ChatTemplate:
    """A compiled chat template; ``render`` turns messages into the model's prompt text."""

    def __init__(self, source: str | None, *, bos_token: str = "", eos_token: str = "") -> None:
        self.source = source or CHATML
        self.is_fallback = not source
        self.bos_token = bos_token
        self.eos_token = eos_token
        try:
            self._template = _environment().from_string(self.source)
        except jinja2.TemplateError as err:
            raise ModelError(f"the model's chat template does not compile: {err}") from err

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, str], *, bos_token: str = "",
                      eos_token: str = "") -> ChatTemplate:  # fmt: skip
        """The template in GGUF metadata (``tokenizer.chat_template``), else ChatML."""
        return cls(
            metadata.get("tokenizer.chat_template"), bos_token=bos_token, eos_token=eos_token
        )

    def render(self, messages: Sequence[Message], *, add_generation_prompt: bool = True) -> str:
        try:
            text = self._template.render(
                messages=[dict(m) for m in messages],
                add_generation_prompt=add_generation_prompt,
                bos_token=self.bos_token,
                eos_token=self.eos_token,
            )
        except TemplateRaised as err:
            raise ModelError(f"the model's chat template refused the conversation: {err}") from err
        except _RENDER_ERRORS as err:
            raise ModelError(
                f"the model's chat template failed: {type(err).__name__}: {err}"
            ) from err
        if len(text) > MAX_OUTPUT_CHARS:
            raise ModelError("the model's chat template produced an implausibly long prompt")
        return text

    def stop_strings(self, extra: Iterable[str] = ()) -> list[str]:
        """End-of-turn strings to stop generation at: the EOS text plus markers the template uses."""
        stops = [s for s in (self.eos_token, *extra) if s]
        stops += [m for m in TURN_MARKERS if m in self.source]
        return list(dict.fromkeys(stops))
