"""Training data: chat fine-tuning records or question/answer pairs, as chat messages.

Accepted lines (JSON Lines):

- ``{"messages": [{"role": "system", ...}, {"role": "user", ...}, {"role": "assistant", ...}]}``
  — used as given; every assistant turn is trained on.
- ``{"question": "...", "answer": "..."}`` (a gold set line works too; its ``sources`` guide
  RAFT) — becomes the closed-book prompt of ``eval``'s base and lora modes, or with RAFT the
  exact retrieval prompt of ``ask`` (see :mod:`sourcewise.core.tune.raft`). Lines with
  ``"answerable": false`` are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourcewise.core.eval.modes import closed_book_messages
from sourcewise.core.jsonl import read_jsonl
from sourcewise.core.llm.base import Message

_ROLES = {"system", "user", "assistant"}


@dataclass
class Record:
    """One training line: ready messages, or a question/answer pair still to be prompted."""

    messages: list[Message] | None = None
    question: str = ""
    answer: str = ""
    source_paths: list[str] = field(default_factory=list)  # absolute; RAFT's gold documents

    def closed_book(self) -> list[Message]:
        if self.messages is not None:
            return self.messages
        return [*closed_book_messages(self.question), {"role": "assistant", "content": self.answer}]


def load_records(path: Path, root: Path | None = None) -> list[Record]:
    """Read training data; a malformed line raises with its line number."""
    base = (root or path.parent).expanduser().resolve()

    def parse(data: dict[str, Any], _number: int) -> Record | None:
        if data.get("answerable") is False:
            return None  # a gold set's unanswerable question: nothing to learn from
        return _record(data, base)

    return read_jsonl(path, parse, what="training data", item="training example",
                      empty="examples")  # fmt: skip


def _record(data: dict[str, Any], base: Path) -> Record:
    if "messages" in data:
        messages: list[Message] = []
        for msg in data["messages"]:
            role, content = str(msg["role"]), str(msg["content"])
            if role not in _ROLES:
                raise ValueError(f"unknown role {role!r}")
            messages.append({"role": role, "content": content})
        if not any(m["role"] == "assistant" for m in messages):
            raise ValueError("no assistant message to learn from")
        return Record(messages=messages)
    question, answer = str(data["question"]).strip(), str(data["answer"]).strip()
    if not question or not answer:
        raise ValueError("empty question or answer")
    sources = data.get("sources") or ([{"path": data["doc"]}] if data.get("doc") else [])
    paths = [str((base / str(s["path"] if isinstance(s, dict) else s)).resolve()) for s in sources]
    return Record(question=question, answer=answer, source_paths=paths)
