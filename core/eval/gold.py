"""Gold sets: JSON Lines of questions with their expected answers and sources.

One object per line::

    {"id": "q1", "question": "...", "answer": "...", "sources": [{"path": "a.pdf", "page": 3}],
     "answerable": true, "facts": [["18 months", "eighteen months"]], "reviewed": true}

Only ``question`` is required; ``answerable`` defaults to true. Source paths are absolute or
relative to a root folder (by default the gold file's folder); ``page`` is 1-based. ``doc``
(one path) is accepted instead of ``sources``, as bench/data/devqa.jsonl has it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourcewise.core.jsonl import read_jsonl


@dataclass(frozen=True)
class GoldSource:
    path: str  # absolute and resolved
    page: int | None = None


@dataclass
class GoldItem:
    id: str
    question: str
    answer: str | None = None
    sources: list[GoldSource] = field(default_factory=list)
    answerable: bool = True
    facts: list[list[str]] = field(default_factory=list)
    reviewed: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # other keys, written back unchanged

    def to_json(self, root: Path | None = None) -> dict[str, Any]:
        """The JSONL object; source paths are made relative to ``root`` when beneath it."""
        sources = []
        for s in self.sources:
            path = Path(s.path)
            if root is not None and path.is_relative_to(root):
                path = path.relative_to(root)
            sources.append({"path": str(path), **({"page": s.page} if s.page else {})})
        data: dict[str, Any] = {"id": self.id, "question": self.question}
        if self.answer is not None:
            data["answer"] = self.answer
        data |= {"sources": sources, "answerable": self.answerable}
        if self.facts:
            data["facts"] = self.facts
        if self.reviewed is not None:
            data["reviewed"] = self.reviewed
        return data | self.extra


_KNOWN = {"id", "question", "answer", "sources", "answerable", "facts", "reviewed", "doc"}


def load_gold(path: Path, root: Path | None = None) -> list[GoldItem]:
    """Read a gold set; a line that is not a valid item raises with its line number."""
    base = (root or path.parent).expanduser().resolve()
    return read_jsonl(path, lambda data, number: _item(data, base, number),
                      what="gold set", item="gold item", empty="questions")  # fmt: skip


def _item(data: dict[str, Any], base: Path, number: int) -> GoldItem:
    question = str(data["question"]).strip()
    if not question:
        raise ValueError("empty question")
    raw = data.get("sources") or ([{"path": data["doc"]}] if data.get("doc") else [])
    sources = [
        GoldSource(
            str((base / Path(str(s["path"])).expanduser()).resolve()),
            int(s["page"]) if s.get("page") is not None else None,
        )
        for s in (src if isinstance(src, dict) else {"path": src} for src in raw)
    ]
    answer = data.get("answer")
    answerable = data.get("answerable")
    facts = [[str(a) for a in f] for f in data.get("facts") or []]
    return GoldItem(
        id=str(data.get("id") or f"q{number}"),
        question=question,
        answer=None if answer is None else str(answer),
        sources=sources,
        answerable=bool(answerable) if answerable is not None else True,
        facts=facts,
        reviewed=data.get("reviewed"),
        extra={k: v for k, v in data.items() if k not in _KNOWN},
    )


def write_gold(items: Iterable[GoldItem], path: Path, root: Path | None = None) -> int:
    """Write items as JSON Lines; returns how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [json.dumps(item.to_json(root), ensure_ascii=False) for item in items]
    path.write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    return len(rows)
