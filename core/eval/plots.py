"""PNG plots of an evaluation (matplotlib's Agg canvas: no display, no Qt, and no pyplot, so
the global backend of a host application is left alone)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from sourcewise.core.eval.runner import EvalResult


def _axes(title: str, xlabel: str, ylabel: str) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 3.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    return fig, ax


def _save(fig: Any, ax: Any, path: Path) -> Path:
    if ax.get_legend_handles_labels()[0]:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    return path


def write_plots(result: EvalResult, out: Path) -> list[Path]:
    """hit@k curves (document and page level) and a latency histogram per mode; returns the
    files written (none when matplotlib is not installed)."""
    if importlib.util.find_spec("matplotlib") is None:
        return []
    written = []
    curves = {level: ys for level, ys in result.hit_curve.items() if ys}
    if curves:
        fig, ax = _axes("Retrieval: gold source within the top k", "k (passages retrieved)",
                        "hit@k")  # fmt: skip
        for level, ys in curves.items():
            ax.plot(range(1, len(ys) + 1), ys, marker="o", label=f"{level} level")
        ax.set_ylim(0, 1.05)
        written.append(_save(fig, ax, out / "hit_at_k.png"))
    fig, ax = _axes("Latency per answer", "answer time (s)", "questions")
    for mr in result.modes:
        totals = [r.total_ms / 1000 for r in mr.rows]
        if totals:
            ax.hist(totals, bins=min(20, max(5, len(totals))), alpha=0.6, label=mr.mode)
    written.append(_save(fig, ax, out / "latency.png"))
    return written
