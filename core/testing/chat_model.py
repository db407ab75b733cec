"""Deterministic chat models for tests: :class:`EchoChatModel` answers from the first source it
is given, :class:`ScriptedChatModel` with a fixed reply.

The echo reply quotes the first sentence of source [1] and cites it, so citation parsing, streaming,
cancel and the UI can all be tested without loading a model. Yes/no judgements (the first option
against the rest) come out at ``p_yes``. Injected, or named ``echo`` in settings (``llm.model``);
never auto-selected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence

from sourcewise.core.llm.base import Message
from sourcewise.core.progress import CancelToken
from sourcewise.core.text.sentences import first_sentence

_SOURCE = re.compile(r"^\[(\d+)\][^\n]*\n(.+?)(?=\n\[\d+\]|\Z)", re.S | re.M)


class EchoChatModel:
    def __init__(self, context_size: int = 4096, *, p_yes: float = 0.9) -> None:
        self._context_size = context_size
        self.p_yes = p_yes  # its answer to every yes/no judgement
        self.prompts: list[Sequence[Message]] = []  # what it was asked, for assertions
        self.judged: list[Sequence[Message]] = []  # the yes/no judgements it was asked for

    @property
    def name(self) -> str:
        return "echo"

    @property
    def context_size(self) -> int:
        return self._context_size

    def warm_up(self) -> None:
        """Nothing to load."""

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        self.prompts.append(list(messages))
        reply = self._reply(messages[-1]["content"])
        for word in reply.split(" ")[:max_tokens]:
            if cancel is not None and cancel.cancelled:
                return
            yield word + " "

    def choice_logprobs(
        self, messages: Sequence[Message], options: Sequence[str]
    ) -> dict[str, float]:
        self.judged.append(list(messages))
        yes = math.log(max(self.p_yes, 1e-9))
        no = math.log(max(1.0 - self.p_yes, 1e-9))
        return {o: yes if i == 0 else no for i, o in enumerate(options)}

    @staticmethod
    def _reply(prompt: str) -> str:
        found = _SOURCE.search(prompt)
        if found is None:
            return "The documents do not cover this."
        body = " ".join(found.group(2).split())
        quote = first_sentence(body) or body[:200]
        return f"{quote} [{found.group(1)}]"


class ScriptedChatModel(EchoChatModel):
    """Replies with a fixed text, word by word, whatever it is asked."""

    def __init__(self, reply: str, context_size: int = 4096) -> None:
        super().__init__(context_size)
        self.reply = reply

    def _reply(self, prompt: str) -> str:  # type: ignore[override]
        return self.reply
