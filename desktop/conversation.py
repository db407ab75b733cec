"""The chat's state and its rendering to Markdown, with citation markers turned into links.

No Qt here: the chat panel feeds the Markdown to a QTextBrowser. A marker ``[n]`` becomes a
link ``cite:n?a=i`` (answer ``i`` of the conversation), which the panel turns into a selection
in the sources panel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sourcewise.core.answer import citations
from sourcewise.core.types import Answer, ChatMessage, ChatTurn, Citation, SearchHit, Timings

State = Literal["waiting", "streaming", "done", "stopped", "failed"]
NOT_IN_DOCUMENTS = "Not in your documents"
UNCITED_NOTE = (
    "No claim of this answer is backed by a cited passage: check it against the passages read, "
    "listed under Sources."
)
NEAREST_NOTE = "The nearest passages, with how well each matches, are listed under Sources."

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


@dataclass
class Exchange:
    """One question and its answer as it streams in."""

    question: str
    text: str = ""
    state: State = "waiting"
    answer: Answer | None = None
    error: str = ""
    message_id: int | None = None  # the stored answer, once saved (ratings refer to it)
    rating: int | None = None  # +1 / -1
    retrieved: list[Citation] = field(default_factory=list)  # the passages the model reads

    @property
    def citations(self) -> list[Citation]:
        return self.answer.citations if self.answer else []

    @property
    def nearest(self) -> list[SearchHit]:
        return self.answer.nearest if self.answer else []


@dataclass
class Conversation:
    exchanges: list[Exchange] = field(default_factory=list)
    id: int | None = None  # the stored conversation; None until its first question

    def history(self, upto: int | None = None) -> list[ChatTurn]:
        """Completed turns before exchange ``upto`` (all by default), oldest first, for the
        engine's follow-up handling."""
        turns: list[ChatTurn] = []
        for ex in self.exchanges[:upto]:
            if ex.state == "done" and ex.text.strip():
                turns.append(ChatTurn("user", ex.question))
                turns.append(ChatTurn("assistant", ex.text.strip()))
        return turns

    @property
    def last(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None

    def last_answered(self) -> tuple[int, Exchange] | None:
        for i in range(len(self.exchanges) - 1, -1, -1):
            if self.exchanges[i].state == "done":
                return i, self.exchanges[i]
        return None


def escape_markdown(text: str) -> str:
    """User text shown literally: Markdown syntax escaped, line breaks kept."""
    lines = [_MD_SPECIAL.sub(r"\\\1", line) for line in text.strip().splitlines()]
    return "  \n".join(lines)


def link_citations(text: str, answer_index: int, valid: set[int] | None = None) -> str:
    """``[1]`` -> ``[\\[1\\]](cite:1?a=0)``; ``[1, 2]`` -> two links; unknown numbers stay text."""

    def repl(match: re.Match[str]) -> str:
        nums = citations.numbers(match)
        if valid is not None and not all(n in valid for n in nums):
            return match.group(0)
        return "".join(f"[\\[{n}\\]](cite:{n}?a={answer_index})" for n in nums)

    return citations.MARKER.sub(repl, text)


def parse_cite_link(url: str) -> tuple[int, int | None] | None:
    """``cite:3?a=1`` -> (3, 1); ``cite:3`` -> (3, None); anything else -> None."""
    found = re.fullmatch(r"cite:(\d+)(?:\?a=(\d+))?", url.strip())
    if found is None:
        return None
    return int(found.group(1)), None if found.group(2) is None else int(found.group(2))


def render_exchange(ex: Exchange, index: int) -> str:
    parts = [f"**You**  \n{escape_markdown(ex.question)}", "**Sourcewise**"]
    abstained = ex.state == "done" and ex.answer is not None and ex.answer.abstained
    if ex.state == "waiting" and not ex.text:
        parts.append(_waiting_note(ex))
    elif abstained:
        reason = escape_markdown(ex.answer.reason) + " " if ex.answer and ex.answer.reason else ""
        parts.append(f"**{NOT_IN_DOCUMENTS}.** {reason}{NEAREST_NOTE}")
    elif ex.text.strip():
        # Markers become links once the answer is complete and its citations are known.
        valid = {c.n for c in ex.citations}
        parts.append(link_citations(ex.text.strip(), index, valid))
        if ex.state == "done" and ex.answer is not None and ex.answer.uncited:
            parts.append(f"*{UNCITED_NOTE}*")
    if ex.state == "stopped":
        parts.append("*Stopped.*")
    elif ex.state == "failed":
        parts.append(f"*Could not answer: {escape_markdown(ex.error)}*")
    if ex.state == "done" and ex.message_id is not None:
        parts.append(rating_links(ex, index))
    return "\n\n".join(parts)


def _waiting_note(ex: Exchange) -> str:
    """What is happening before the first word: the search takes a fraction of a second, the
    model reading its passages takes the rest, so say which."""
    if not ex.retrieved:
        return "*Searching your documents…*"
    n = len(ex.retrieved)
    return f"*Reading {n} passage{'s' if n != 1 else ''} (listed under Sources)…*"


def rating_links(ex: Exchange, index: int) -> str:
    """Thumbs up / down under a stored answer; the chosen one is shown in bold."""
    up = f"[Helpful](rate:1?a={index})"
    down = f"[Not helpful](rate:-1?a={index})"
    if ex.rating == 1:
        up = f"**{up}** ✓"
    elif ex.rating == -1:
        down = f"**{down}** ✓"
    return f"*Rate this answer:* {up} · {down}"


def parse_rate_link(url: str) -> tuple[int, int] | None:
    """``rate:-1?a=2`` -> (-1, 2): the rating and the answer's index."""
    found = re.fullmatch(r"rate:(-?1)\?a=(\d+)", url.strip())
    return None if found is None else (int(found.group(1)), int(found.group(2)))


def render(conversation: Conversation) -> str:
    return "\n\n---\n\n".join(render_exchange(ex, i) for i, ex in enumerate(conversation.exchanges))


def plain_answer(ex: Exchange) -> str:
    """An answer for the clipboard: its text, then the sources it cites."""
    lines = [ex.text.strip()]
    if ex.citations:
        lines.append("")
        lines.append("Sources:")
        for c in ex.citations:
            page = f", page {c.page}" if c.page else ""
            lines.append(f"[{c.n}] {c.path}{page}")
    return "\n".join(lines)


def from_messages(conversation_id: int, messages: Sequence[ChatMessage]) -> Conversation:
    """A stored conversation as exchanges: each user message with the answer that follows it
    (a question whose answer was stopped or failed has none, and shows as stopped)."""
    conv = Conversation(id=conversation_id)
    for msg in messages:
        if msg.role == "user":
            conv.exchanges.append(Exchange(msg.content, state="stopped"))
        elif msg.role == "assistant":
            last = conv.last
            if last is None or last.state == "done":
                last = Exchange("")
                conv.exchanges.append(last)
            answer = Answer(last.question, msg.content, citations=list(msg.citations),
                            abstained=msg.abstained, timings=msg.timings or Timings(),
                            log_id=msg.log_id)  # fmt: skip
            last.text, last.state, last.answer = msg.content, "done", answer
            last.message_id, last.rating = msg.id, msg.rating
    return conv
