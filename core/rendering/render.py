"""Answers and search hits as JSON and as plain text, shared by the CLI, the REPL, the API
server and the MCP server."""

from __future__ import annotations

from typing import Any

from sourcewise.core.types import Answer, Citation, SearchHit, cited_as

_SNIPPET = 160


def citation_json(c: Citation) -> dict[str, Any]:
    return {"n": c.n, "path": c.path, "page": c.page, "chunk_id": c.chunk_id, "text": c.text,
            "supported": c.supported, "quote": c.quote, "reference": c.reference,
            "cited_as": cited_as(c.reference, c.page) if c.reference else ""}  # fmt: skip


_HIT_KEYS = ("rank", "score", "path", "page", "chunk_id", "heading", "text", "start", "end",
             "document_title", "kind", "reference")  # fmt: skip


def hit_json(h: SearchHit) -> dict[str, Any]:
    """One row of ``sourcewise search --json`` (fields are only ever added)."""
    return {key: getattr(h, key) for key in _HIT_KEYS}


def nearest_json(h: SearchHit) -> dict[str, Any]:
    return {"path": h.path, "page": h.page, "chunk_id": h.chunk_id, "text": h.text,
            "score": round(h.score, 4)}  # fmt: skip


def answer_json(answer: Answer) -> dict[str, Any]:
    """The stable JSON shape of ``sourcewise ask --json`` (fields are only ever added)."""
    t = answer.timings
    out: dict[str, Any] = {
        "answer": answer.answer,
        "citations": [citation_json(c) for c in answer.citations],
        "abstained": answer.abstained,
        "uncited": answer.uncited,
        "reason": answer.reason,
        "answer_id": answer.log_id,  # what `sourcewise feedback` and POST /v1/feedback name
        "mode": answer.mode,  # "passages", or "document" when whole documents were read
        "timings": {
            "retrieve_ms": round(t.retrieve_ms, 1),
            "ttft_ms": round(t.ttft_ms, 1),
            "tokens_per_s": round(t.tokens_per_s, 1),
            "total_ms": round(t.total_ms, 1),
            "prompt_tokens": t.prompt_tokens,
            "source_tokens": t.source_tokens,
        },
    }
    if answer.abstained:
        out["nearest"] = [nearest_json(h) for h in answer.nearest]
    return out


def snippet(text: str, limit: int = _SNIPPET) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def source_lines(answer: Answer) -> list[str]:
    """Numbered sources under an answer; when it abstained, the nearest passages instead."""
    if answer.abstained:
        if not answer.nearest:
            return []
        return ["Closest passages:", *(_hit_line(h) for h in answer.nearest)]
    if answer.uncited or not answer.citations:
        return ["(No claim of this answer is backed by a cited source: check it against your "
                "documents.)"]  # fmt: skip
    lines = ["Sources:"]
    for c in answer.citations:
        page = f" p.{c.page}" if c.page else ""
        flag = " (not supported by the passage)" if c.supported is False else ""
        where = f"{cited_as(c.reference, c.page)} — {c.path}" if c.reference else f"{c.path}{page}"
        lines.append(f"  [{c.n}] {where}{flag}")
        lines.append(f"      {snippet(c.text)}")
    return lines


def _hit_line(h: SearchHit) -> str:
    page = f" p.{h.page}" if h.page else ""
    return f"  - {h.path}{page}: {snippet(h.text)}"
