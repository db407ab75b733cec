"""Pipelines compared in one answer-benchmark run ("rows"), their settings, and the summary
table with the issue's goals beside the measured values.

A row is a name and dotted settings overrides, written as ``--row NAME:key=value,key=value``
(``--row new:`` is the defaults). Global ``--set`` pairs apply to every row and win over the
row's own values, so ``--set llm.model=smollm2-135m`` makes a cheap trial of every row.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _answer_metrics import percentile, rate

from sourcewise.core.settings import Settings, describe_fields, load_settings

# The answer pipeline before issue 11 (commit ad85455): eight full chunks, the retrieval-score
# gate only, all cores, no adapter. Add here each switch that turns a new stage off; a key the
# installed Settings lacks is skipped with a note, so this row still runs on older checkouts.
# Evidence selection has no off switch: the largest budget with no score margin is the closest
# to the old full passages (the selector still caps the sentences it scores).
PREVIOUS_DEFAULTS: dict[str, Any] = {
    "answer.max_sources": 8,
    "answer.abstain_below": 0.0,
    "answer.verify": False,
    "answer.evidence": False,  # whole passages, as the pipeline was before issue 11
    "llm.model": "qwen2.5-coder-0.5b",
    "llm.adapter": None,
    "llm.threads": 0,
    "llm.threads_batch": 0,
    "llm.max_tokens": 512,
    "llm.temperature": 0.1,
}
# Fixed for the benchmark, below rows and --set: threads parse six small files without a pool.
FIXED: dict[str, Any] = {"index.parse_mode": "thread"}
_SHARED_GROUPS = ("embed", "index")  # one index serves every row
_PAIR_SPLIT = re.compile(r",(?=\s*[A-Za-z_][\w.]*\s*=)")  # a comma only before the next key=


@dataclass(frozen=True)
class Row:
    name: str
    overrides: dict[str, Any] = field(default_factory=dict)


def scalar(value: str) -> Any:
    """A --set value as the CLI reads it: JSON when it parses (8, true, null), else text."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def parse_pairs(text: str, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in (p.strip() for p in _PAIR_SPLIT.split(text) if p.strip()):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{where}: expected key=value, got {pair!r}")
        out[key.strip()] = scalar(value.strip())
    return out


def parse_row(spec: str) -> Row:
    """``NAME:key=value,key=value`` (the part after the colon may be empty)."""
    name, sep, rest = spec.partition(":")
    if not sep or not name.strip():
        raise ValueError(f"--row {spec!r}: expected NAME:key=value,... (e.g. 'new:')")
    return Row(name.strip(), parse_pairs(rest, f"--row {name.strip()}"))


def known_keys() -> set[str]:
    return {name for name, _, _ in describe_fields(Settings)}


def check_keys(overrides: dict[str, Any], where: str) -> None:
    known = known_keys() - {"home", "models_dir"}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(
            f"{where}: unknown setting(s) {', '.join(unknown)} "
            "(`sourcewise config` lists every key; home and models_dir are set by the bench)"
        )


def default_rows() -> tuple[list[Row], list[str]]:
    """The previous defaults and the new ones, and a note for each previous-default key this
    checkout's Settings does not have."""
    known = known_keys()
    notes = [f"previous defaults: {k} is not a setting here, skipped" for k in PREVIOUS_DEFAULTS
             if k not in known]  # fmt: skip
    previous = {k: v for k, v in PREVIOUS_DEFAULTS.items() if k in known}
    return [Row("previous defaults", previous), Row("new defaults")], notes


def merged(row: Row, base: dict[str, Any]) -> dict[str, Any]:
    """The dotted settings a row runs with: fixed < row < --set."""
    return {**FIXED, **row.overrides, **base}


def nested(dotted: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in dotted.items():
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def build_settings(dotted: dict[str, Any], home: Path, models_dir: Path) -> Settings:
    return load_settings({**nested(dotted), "home": home, "models_dir": models_dir})


def check_shared(settings: dict[str, Settings]) -> None:
    """Rows may differ in anything but what the shared index was built with."""
    for group in _SHARED_GROUPS:
        dumps = {name: getattr(s, group).model_dump_json() for name, s in settings.items()}
        if len(set(dumps.values())) > 1:
            raise ValueError(f"rows differ in {group}.* settings, but one index serves them all")


def cli_pairs(dotted: dict[str, Any]) -> list[str]:
    """``--set`` arguments that give a ``sourcewise`` subprocess the same settings."""
    return [f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in dotted.items()]


# -- summary -----------------------------------------------------------------------------------
# (summary key, label, "min"/"max" goal or None, goal value, how the value is shown)
GOALS: list[tuple[str, str, str | None, float, str]] = [
    ("contains", "answer contains a gold answer (answerable)", "min", 0.80, "rate"),
    ("f1", "token F1 (answerable)", None, 0.0, "rate"),
    ("cited_holds", "cited passage holds the answer (answerable)", "min", 0.90, "rate"),
    ("answered", "answered when answerable", "min", 0.90, "rate"),
    ("abstained", "abstained when unanswerable", "min", 0.70, "rate"),
    ("uncited", "uncited, among answers given", "max", 0.05, "rate"),
    (
        "right",
        "right outcome, all questions (SQuAD 2.0: a gold answer, or a decline)",
        None,
        0.0,
        "rate",
    ),
    (
        "wrong",
        "wrong answers given, all questions (incorrect or to an unanswerable one)",
        None,
        0.0,
        "rate",
    ),
    ("prompt_tokens_p50", "prompt tokens p50", None, 0.0, "int"),
    ("source_tokens_p50", "source tokens p50", "max", 500, "int"),
    ("ttft_p50", "TTFT p50, warm (s)", "max", 3000, "s"),
    ("ttft_p95", "TTFT p95, warm (s)", None, 0.0, "s"),
    ("first_token_p50", "question to first token p50, warm (s)", None, 0.0, "s"),
    ("total_p50", "question to full answer p50, warm (s)", None, 0.0, "s"),
    ("tokens_per_s_p50", "tokens/s p50", None, 0.0, "float"),
    ("cold_ttft_p50", "TTFT p50, cold `sourcewise ask` (s)", None, 0.0, "s"),
    ("cold_wall_p50", "wall time p50, cold `sourcewise ask` (s)", None, 0.0, "s"),
    ("load_s", "model load + warm-up (s)", None, 0.0, "float"),
]


def _show(value: float | None, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "rate":
        return f"{value:.2f}"
    if kind == "int":
        return f"{value:.0f}"
    if kind == "s":
        return f"{value / 1000:.2f}"
    return f"{value:.1f}"


def _goal(op: str | None, goal: float, kind: str) -> str:
    if op is None:
        return ""
    shown = _show(goal, kind) if kind != "rate" else f"{goal:.2f}"
    return ("≥ " if op == "min" else "≤ ") + shown


def _met(value: float | None, op: str | None, goal: float) -> str:
    if op is None or value is None:
        return ""
    return " ✓" if (value >= goal if op == "min" else value <= goal) else " ✗"


def goals_table(summaries: dict[str, dict[str, Any]]) -> str:
    """Metrics down, rows across, the goal beside each metric."""
    names = list(summaries)
    lines = ["| metric | goal | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for key, label, op, goal, kind in GOALS:
        cells = [_show(summaries[n].get(key), kind) + _met(summaries[n].get(key), op, goal)
                 for n in names]  # fmt: skip
        lines.append(f"| {label} | {_goal(op, goal, kind)} | " + " | ".join(cells) + " |")
    counts = " | ".join(f"{s['answerable']} + {s['unanswerable']}" for s in summaries.values())
    lines.append(f"| questions (answerable + unanswerable) | | {counts} |")
    return "\n".join(lines)


def _values(records: list[dict[str, Any]], key: str) -> list[float]:
    return [float(r[key]) for r in records if r.get(key) is not None]


def summarise(
    records: list[dict[str, Any]], cold: list[dict[str, Any]], load_s: float | None
) -> dict[str, Any]:
    """One row's metrics from its per-question records (see answer_squad's docstring)."""
    ans = [r for r in records if r["answerable"]]
    una = [r for r in records if not r["answerable"]]
    given = [r for r in records if not r["abstained"]]
    # TTFT and speed only where the model generated (an abstention before it answers at once).
    gen = [r for r in records if r["ttft_ms"] > 0]
    cold_ok = [c for c in cold if c.get("error") is None]
    return {
        "questions": len(records),
        "answerable": len(ans),
        "unanswerable": len(una),
        "generated": len(gen),
        "contains": rate([r["contains"] for r in ans]),
        "f1": sum(r["f1"] for r in ans) / len(ans) if ans else None,
        "cited_holds": rate([r["cited_holds"] for r in ans]),
        "answered": rate([not r["abstained"] for r in ans]),
        "abstained": rate([r["abstained"] for r in una]),
        "abstained_by_engine": sum(r["engine_abstained"] for r in records),
        "uncited": rate([r["uncited"] for r in given]),
        # SQuAD 2.0's own accounting: an unanswerable question is answered right by declining.
        "right": rate(
            [
                (r["contains"] and not r["abstained"]) if r["answerable"] else r["abstained"]
                for r in records
            ]
        ),
        "wrong": rate(
            [not r["abstained"] and not (r["answerable"] and r["contains"]) for r in records]
        ),
        "prompt_tokens_p50": percentile(_values(records, "prompt_tokens"), 50),
        "source_tokens_p50": percentile(_values(records, "source_tokens"), 50),
        "ttft_p50": percentile(_values(gen, "ttft_ms"), 50),
        "ttft_p95": percentile(_values(gen, "ttft_ms"), 95),
        "first_token_p50": percentile(_values(gen, "first_token_ms"), 50),
        "total_p50": percentile(_values(records, "wall_ms"), 50),
        "tokens_per_s_p50": percentile(_values(gen, "tokens_per_s"), 50),
        "cold_ttft_p50": percentile(
            _values([c for c in cold_ok if c["ttft_ms"] > 0], "ttft_ms"), 50
        ),
        "cold_wall_p50": percentile(_values(cold_ok, "wall_ms"), 50),
        "cold_runs": len(cold),
        "cold_failed": len(cold) - len(cold_ok),
        "load_s": load_s,
    }
