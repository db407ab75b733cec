"""The chat-model contract."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, TypedDict

from sourcewise.core.errors import ModelError
from sourcewise.core.progress import CancelToken

# Every answer samples from the same seed: the same question over the same passages gives the
# same text whatever was asked before (llama.cpp otherwise draws each call's seed from the last).
SAMPLING_SEED = 1234


class LogprobsUnavailable(ModelError):
    """The model cannot give log-probabilities (a server without them): nothing is judged."""


class Message(TypedDict):
    role: str  # system, user, assistant
    content: str


class ChatModel(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def context_size(self) -> int: ...

    def warm_up(self) -> None: ...

    def count_tokens(self, text: str) -> int: ...

    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        """Yield the reply piece by piece; stop early when ``cancel`` is set."""
        ...

    def choice_logprobs(
        self, messages: Sequence[Message], options: Sequence[str]
    ) -> dict[str, float]:
        """Log-probability of each option's first token as the first token of the reply
        (for yes/no judgements without generating); :class:`LogprobsUnavailable` when the
        model has none to give."""
        ...
