"""Streaming the answer through the degenerate-output guard.

The opening of the reply is held back until it shows it is an answer (not an echo of the source
headers, not bare markers, not a decline the answerer may overrule), then streamed; a reply that starts repeating itself is stopped there
rather than run to the token limit. The caller decides how to recover from what is reported.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sourcewise.core.answer import guard
from sourcewise.core.llm.base import ChatModel, Message
from sourcewise.core.progress import CancelToken
from sourcewise.core.types import TokenCallback

_REPEAT_CHECK_EVERY = 16  # pieces between loop checks: the check reparses the whole text


@dataclass
class Generated:
    text: str
    problem: str | None  # "echo", "markers", "repetition", "decline" or None
    first_token_at: float | None  # perf_counter time the first piece reached the caller
    pieces: int
    seconds: float  # from the first generated piece to the last


def generate(
    model: ChatModel,
    messages: Sequence[Message],
    labels: Sequence[str],
    *,
    max_tokens: int,
    temperature: float,
    on_token: TokenCallback | None,
    cancel: CancelToken | None,
) -> Generated:
    text, problem, emitted = "", None, 0
    first_piece: float | None = None
    first_shown: float | None = None
    pieces = 0
    for piece in model.stream_chat(messages, max_tokens=max_tokens, temperature=temperature,
                                   cancel=cancel):  # fmt: skip
        first_piece = first_piece or time.perf_counter()
        pieces += 1
        text += piece
        if emitted == 0 and guard.undecided(text, labels):
            continue  # still holding the opening back
        if emitted == 0 and guard.echoes_sources(text, labels):
            problem = "echo"
            break
        if pieces % _REPEAT_CHECK_EVERY == 0 and guard.repeating(text):
            problem = "repetition"
            break
        if on_token is not None and len(text) > emitted:
            on_token(text[emitted:])
        first_shown = first_shown or time.perf_counter()
        emitted = len(text)
        if cancel is not None:
            cancel.check()
    if cancel is not None:
        cancel.check()  # the model may stop quietly when cancelled between pieces
    problem = problem or _final_problem(text, labels, emitted)
    if problem is None and on_token is not None and len(text) > emitted:
        on_token(text[emitted:])  # a short answer that never left the opening hold
        first_shown = first_shown or time.perf_counter()
        if cancel is not None:
            cancel.check()
    seconds = time.perf_counter() - first_piece if first_piece else 0.0
    return Generated(text, problem, first_shown, pieces, seconds)


def _final_problem(text: str, labels: Sequence[str], emitted: int) -> str | None:
    if emitted == 0 and guard.echoes_sources(text, labels):
        return "echo"
    if emitted == 0 and guard.is_decline(text):
        return "decline"  # held back: the caller says why, or overrules it
    if guard.markers_only(text) and not guard.is_decline(text):
        return "markers"
    if guard.repeating(text):
        return "repetition"
    return None
