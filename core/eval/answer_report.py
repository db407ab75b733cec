"""The answer report behind ``sourcewise report``: the answer log summarised over time, and
poorly rated answers exported as gold questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sourcewise.core.eval.gold import GoldItem, write_gold
from sourcewise.core.eval.metrics import mean, percentile
from sourcewise.core.types import LoggedAnswer


@dataclass
class Period:
    """Numbers for one stretch of time (a week, or everything)."""

    label: str
    answers: int = 0
    abstention_rate: float | None = None
    latency_mean_ms: float | None = None
    latency_p95_ms: float | None = None
    ttft_mean_ms: float | None = None
    top_score_mean: float | None = None
    rated: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    thumbs_up_rate: float | None = None  # among rated answers
    models: dict[str, int] = field(default_factory=dict)


def period(label: str, rows: list[LoggedAnswer]) -> Period:
    p = Period(label, answers=len(rows))
    if not rows:
        return p
    totals = [r.total_ms for r in rows]
    p.abstention_rate = sum(r.abstained for r in rows) / len(rows)
    p.latency_mean_ms = mean(totals)
    p.latency_p95_ms = percentile(totals, 95)
    p.ttft_mean_ms = mean(r.ttft_ms for r in rows if not r.abstained)
    p.top_score_mean = mean(r.top_score for r in rows)
    p.thumbs_up = sum(r.rating == 1 for r in rows)
    p.thumbs_down = sum(r.rating == -1 for r in rows)
    p.rated = p.thumbs_up + p.thumbs_down
    p.thumbs_up_rate = p.thumbs_up / p.rated if p.rated else None
    for r in rows:
        name = r.model + (f" + {r.adapter}" if r.adapter and r.adapter not in r.model else "")
        p.models[name] = p.models.get(name, 0) + 1
    return p


def week_of(ts: float) -> str:
    year, week, _ = datetime.fromtimestamp(ts).isocalendar()
    return f"{year}-W{week:02d}"


def summarize(rows: list[LoggedAnswer]) -> tuple[Period, list[Period]]:
    """(everything, one period per ISO week in order)."""
    weeks: dict[str, list[LoggedAnswer]] = {}
    for r in rows:
        weeks.setdefault(week_of(r.created), []).append(r)
    return period("all", rows), [period(w, rs) for w, rs in sorted(weeks.items())]


def export_gold(rows: list[LoggedAnswer], path: Path) -> int:
    """Write thumbs-down answers as gold questions to review (``"reviewed": false``): the
    question with the rejected answer and comment kept for the reviewer; returns the count."""
    items = [
        GoldItem(id=f"log{r.id}", question=r.question, answerable=True, reviewed=False,
                 extra={"rejected_answer": r.answer, "comment": r.comment,
                        "abstained": r.abstained, "model": r.model,
                        "asked": datetime.fromtimestamp(r.created).isoformat(timespec="seconds")})
        for r in rows if r.rating == -1
    ]  # fmt: skip
    return write_gold(items, path)
