"""Write an evaluation to a folder (JSON, Markdown, PNG plots) and point ``latest`` at it.

``<home>/eval/latest.json`` holds ``{"path": ..., "created": ..., "summary": {...}}`` so the
desktop app can show the most recent report without scanning folders (``paths.latest_markdown``
reads it, so the engine finds the report without importing this tool).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sourcewise.core.eval.compare import COLUMNS, fmt, table_rows
from sourcewise.core.eval.runner import LEVELS, EvalResult
from sourcewise.core.paths import EVAL_MARKDOWN, latest_eval_pointer

JSON_NAME = "eval.json"


def default_out_dir(home: Path) -> Path:
    return home / "eval" / datetime.now().strftime("%Y%m%d-%H%M%S")


def write_report(result: EvalResult, out: Path, home: Path) -> dict[str, Path]:
    """Write eval.json, report.md and the plots into ``out``; update the latest pointer."""
    from sourcewise.core.eval.plots import write_plots

    out.mkdir(parents=True, exist_ok=True)
    files = {"json": out / JSON_NAME, "markdown": out / EVAL_MARKDOWN}
    files["json"].write_text(json.dumps(asdict(result), indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")  # fmt: skip
    plots = write_plots(result, out)
    files["markdown"].write_text(markdown(result, [p.name for p in plots]), encoding="utf-8")
    files |= {p.stem: p for p in plots}
    _write_latest(home, out, result)
    return files


def summary(result: EvalResult) -> dict[str, Any]:
    """The headline numbers: retrieval hit@k and MRR, and per mode F1 and latency."""
    k = result.k
    out: dict[str, Any] = {
        "questions": result.questions,
        f"document.hit@{k}": result.retrieval.get(f"document.hit@{k}"),
        "document.mrr": result.retrieval.get("document.mrr"),
    }
    for mr in result.modes:
        out[mr.mode] = {key: mr.metrics.get(key) for key in
                        ("f1", "exact_match", "facts", "citation_precision", "total_ms.mean")}  # fmt: skip
    return out


def _write_latest(home: Path, out: Path, result: EvalResult) -> None:
    pointer = latest_eval_pointer(home)
    pointer.parent.mkdir(parents=True, exist_ok=True)
    data = {"path": str(out.resolve()), "created": result.created, "summary": summary(result)}
    tmp = pointer.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, pointer)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def markdown(result: EvalResult, plots: list[str]) -> str:
    k = result.k
    lines = [f"# Evaluation — {result.created}", "",
             f"Gold set: `{result.gold}` ({result.questions} questions); k = {k}; "
             f"chat model {result.settings.get('chat_model')}, embedder "
             f"{result.settings.get('embed_model')}, reranker "
             f"{'on' if result.settings.get('reranker') else 'off'}.", "",
             "## Retrieval", ""]  # fmt: skip
    rows = []
    for level in LEVELS:
        n = result.retrieval.get(f"{level}.questions") or 0
        if n:
            r = result.retrieval
            rows.append([level, str(int(n)), fmt(r.get(f"{level}.hit@{k}")),
                         fmt(r.get(f"{level}.recall@{k}")), fmt(r.get(f"{level}.mrr")),
                         fmt(r.get(f"{level}.ndcg@{k}"))])  # fmt: skip
    if rows:
        lines += _table(["level", "questions", f"hit@{k}", f"recall@{k}", "MRR", f"nDCG@{k}"], rows)
    else:
        lines.append("No question has gold sources: retrieval was not scored.")
    lines += ["", f"Mean retrieval time {fmt(result.retrieval.get('retrieve_ms.mean'), 1)} ms.", ""]
    lines += ["## Answers", "", *_table(COLUMNS, table_rows(result)), ""]
    lines += ["F1 and EM: SQuAD-normalized token F1 and exact match against the gold answer; "
              "facts: every gold fact present; cite P/R: citation precision and recall; "
              "abstain P/R: abstentions as a detector of unanswerable questions.", ""]  # fmt: skip
    if result.recommendation:
        lines += ["## Recommendation", "", result.recommendation, ""]
    lines += [f"![{name}]({name})" for name in plots]
    lines += ["", "## Questions", ""]
    for mr in result.modes:
        lines += [f"### {mr.mode} ({mr.model})", ""]
        body = [[r.id, _cell(r.question), _cell(r.answer), fmt(r.f1), "yes" if r.abstained else "",
                 fmt(r.total_ms, 0)] for r in mr.rows]  # fmt: skip
        lines += [*_table(["id", "question", "answer", "F1", "abstained", "ms"], body), ""]
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
