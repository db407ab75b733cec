"""A chat model wrapper that counts tokens and caps the reply length, for one answer.

The engine wraps its model for each ``ask``: the OpenAI-compatible server reports the counts
as ``usage`` and a reply cut off at its limit as ``finish_reason: "length"``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from sourcewise.core.llm.base import ChatModel, Message
from sourcewise.core.progress import CancelToken
from sourcewise.core.types import TokenUsage


@runtime_checkable
class _TemplatedPrompt(Protocol):
    """Models that can tokenize a whole prompt as they see it (chat template included)."""

    def prompt_tokens(self, messages: Sequence[Message]) -> list[int]: ...


class MeteredChatModel:
    """Delegates to ``model``; every call's prompt and generated tokens are added up."""

    def __init__(self, model: ChatModel) -> None:
        self.model = model
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.last_hit_limit = False  # the latest generation stopped at its max_tokens

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def context_size(self) -> int:
        return self.model.context_size

    def warm_up(self) -> None:
        self.model.warm_up()

    def count_tokens(self, text: str) -> int:
        return self.model.count_tokens(text)

    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        self.prompt_tokens += self._count_prompt(messages)
        self.last_hit_limit = False
        pieces: list[str] = []
        try:
            for piece in self.model.stream_chat(
                messages, max_tokens=max_tokens, temperature=temperature, cancel=cancel
            ):
                pieces.append(piece)
                yield piece
        finally:  # also when the caller stops early (cancel): what was generated still counts
            text = "".join(pieces)
            # A llama.cpp piece is one token, but tokens that end mid-character yield nothing;
            # re-counting the text covers those.
            generated = max(len(pieces), self.model.count_tokens(text) if text else 0)
            self.completion_tokens += generated
            self.last_hit_limit = generated >= max_tokens

    def choice_logprobs(
        self, messages: Sequence[Message], options: Sequence[str]
    ) -> dict[str, float]:
        self.prompt_tokens += self._count_prompt(messages)
        return self.model.choice_logprobs(messages, options)

    def usage(self, *, truncated: bool) -> TokenUsage:
        return TokenUsage(self.prompt_tokens, self.completion_tokens, truncated)

    def _count_prompt(self, messages: Sequence[Message]) -> int:
        if isinstance(self.model, _TemplatedPrompt):
            return len(self.model.prompt_tokens(messages))
        return sum(self.model.count_tokens(m["content"]) for m in messages)
