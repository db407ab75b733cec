"""A stored conversation as Markdown: each answer's citations become footnotes."""

from __future__ import annotations

import os
import time

from sourcewise.core.answer.citations import replace_markers
from sourcewise.core.types import Citation, StoredConversation

_QUOTE_CHARS = 300


def conversation_markdown(conversation: StoredConversation) -> str:
    """A stored conversation (``engine.conversations.get``) as Markdown, each answer's
    citations as footnotes (``[^2-1]``): what the app and ``sourcewise chat`` export."""
    conv, messages = conversation.info, conversation.messages
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(conv.created))
    out = [
        f"# {conv.title or 'Conversation'}",
        "",
        f"_Exported from Sourcewise; started {when}._",
        "",
    ]
    for i, msg in enumerate(messages, start=1):
        if msg.role == "user":
            out += [f"**You:** {msg.content.strip()}", ""]
            continue
        if msg.role != "assistant":
            continue
        body = _footnote_refs(msg.content.strip(), i, {c.n for c in msg.citations})
        out += [f"**Sourcewise:** {body}", ""]
        if msg.abstained:
            out += ["_(No answer: the documents do not cover this.)_", ""]
        notes = [_footnote(i, c) for c in msg.citations]
        if notes:
            out += [*notes, ""]
    return "\n".join(out).rstrip() + "\n"


def _footnote_refs(text: str, i: int, known: set[int]) -> str:
    """``[2]`` -> ``[^i-2]`` for the citations the message has (ids are unique per message)."""
    return replace_markers(text, lambda n: f"[^{i}-{n}]" if n in known else f"[{n}]")


def _footnote(i: int, c: Citation) -> str:
    page = f", page {c.page}" if c.page else ""
    quote = " ".join(c.text.split())
    if len(quote) > _QUOTE_CHARS:
        quote = quote[: _QUOTE_CHARS - 1].rstrip() + "…"
    quote = quote.replace('"', "'")
    return f'[^{i}-{c.n}]: {os.path.basename(c.path)}{page} ({c.path}): "{quote}"'
