"""The decision table of ``eval --compare`` and a recommendation read off its numbers."""

from __future__ import annotations

from typing import Any

from sourcewise.core.eval.runner import EvalResult, ModeResult

# Differences smaller than this (F1, or fact accuracy, 0..1) are treated as noise.
MARGIN = 0.02
COLUMNS = ["mode", "F1", "EM", "facts", "cite P", "cite R", "abstain P", "abstain R",
           "ttft ms", "total ms", "training"]  # fmt: skip


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def training_cost(card: dict[str, Any] | None) -> str:
    minutes = _training_minutes(card)
    return "–" if minutes is None else f"{minutes:.1f} min"


def table_rows(result: EvalResult) -> list[list[str]]:
    rows = []
    for mr in result.modes:
        x = mr.metrics
        cost = training_cost(result.adapter_card) if mr.adapter else "–"
        rows.append([mr.mode, fmt(x["f1"]), fmt(x["exact_match"]), fmt(x["facts"]),
                     fmt(x["citation_precision"]), fmt(x["citation_recall"]),
                     fmt(x["abstention_precision"]), fmt(x["abstention_recall"]),
                     fmt(x["ttft_ms.mean"], 0), fmt(x["total_ms.mean"], 0), cost])  # fmt: skip
    return rows


def accuracy(mr: ModeResult) -> float | None:
    """F1 against the gold answers; fact accuracy when the gold set has no answers."""
    f1 = mr.metrics.get("f1")
    return f1 if f1 is not None else mr.metrics.get("facts")


def recommend(result: EvalResult) -> str:
    """A plain-language verdict: which mode to use and why, from the measured numbers."""
    by_mode = {mr.mode: mr for mr in result.modes}
    acc = {mode: accuracy(mr) for mode, mr in by_mode.items()}
    if all(v is None for v in acc.values()):
        return "No accuracy could be measured: the gold set has no answers or facts."
    scored = {mode: v for mode, v in acc.items() if v is not None}
    order = ["rag", "base", "lora+rag", "lora"]  # cheapest and most grounded first on ties
    best = max(scored, key=lambda mode: (round(scored[mode], 6), -order.index(mode)))
    lines = []
    minutes = _training_minutes(result.adapter_card)
    cost = f"{minutes:.1f} min of training" if minutes is not None else "training time"
    rag, base = scored.get("rag"), scored.get("base")
    if rag is not None and base is not None:
        gain = rag - base
        if gain > MARGIN:
            lines.append(f"Retrieval helps: RAG scores {rag:.3f} vs {base:.3f} for the model "
                         f"alone (+{gain:.3f}).")  # fmt: skip
        else:
            hit = result.retrieval.get(f"document.hit@{result.k}")
            lines.append(f"Retrieval does not help on this gold set (RAG {rag:.3f} vs base "
                         f"{base:.3f}); check retrieval first (document hit@{result.k} = {fmt(hit)}).")  # fmt: skip
    lora_rag, lora = scored.get("lora+rag"), scored.get("lora")
    if lora_rag is not None and rag is not None:
        delta = lora_rag - rag
        if delta > MARGIN:
            lines.append(f"The adapter adds accuracy on top of retrieval: +{delta:.3f} "
                         f"({lora_rag:.3f} vs {rag:.3f}) for {cost}.")  # fmt: skip
        else:
            lines.append(f"The adapter adds no accuracy on top of retrieval ({delta:+.3f}) and "
                         f"costs {cost}.")  # fmt: skip
    if lora is not None and base is not None and "rag" in scored:
        lines.append(f"Without retrieval the adapter scores {lora:.3f} (base {base:.3f}), and "
                     "it cannot cite sources.")  # fmt: skip
    verdict = {
        "rag": "Recommendation: RAG alone is best; no fine-tuning needed.",
        "base": "Recommendation: the model alone is as good as any mode here; the gold set may "
        "test general knowledge rather than your documents.",
        "lora+rag": "Recommendation: use the adapter with retrieval (--adapter with ask/chat); "
        "retrain it when the documents change.",
        "lora": "Recommendation: the adapter alone scores best, but answers without sources "
        "cannot be checked; prefer lora+rag unless citations do not matter.",
    }[best]
    lines.append(verdict)
    cites = {mode: by_mode[mode].metrics.get("citation_precision") for mode in ("rag", "lora+rag")
             if mode in by_mode}  # fmt: skip
    if cites.get("rag") is not None and cites.get("lora+rag") is not None:
        drop = (cites["rag"] or 0.0) - (cites["lora+rag"] or 0.0)
        if drop > MARGIN:
            lines.append(f"Note: the adapter lowers citation precision by {drop:.3f}.")
    card = result.adapter_card or {}
    if card.get("data_sha256") and card.get("data_sha256") == result.settings.get("gold_sha256"):
        lines.append("Caution: the adapter was trained on these very questions, so its scores are "
                     "an upper bound; evaluate it on held-out questions.")  # fmt: skip
    return " ".join(lines)


def _training_minutes(card: dict[str, Any] | None) -> float | None:
    if not card:
        return None
    seconds = card.get("total_seconds") or card.get("training_seconds")
    return None if seconds is None else float(seconds) / 60
