"""Run a gold set through retrieval and one or more answering modes; collect the metrics."""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sourcewise.core.engine import Engine
from sourcewise.core.eval import metrics as m
from sourcewise.core.eval.gold import GoldItem
from sourcewise.core.eval.modes import AdapterEngines, EngineFor, asker, uses_adapter
from sourcewise.core.eval.modes import uses_retrieval as with_retrieval
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback
from sourcewise.core.settings import Settings
from sourcewise.core.types import Answer, SearchHit

LEVELS = ("document", "page")


@dataclass
class RetrievalRow:
    id: str
    question: str
    retrieve_ms: float
    retrieved: list[dict[str, Any]]  # path, page, score of each hit
    scores: dict[str, float | None] = field(default_factory=dict)  # e.g. document.hit@k
    first_rank: dict[str, int | None] = field(default_factory=dict)  # per level


@dataclass
class AnswerRow:
    id: str
    question: str
    mode: str
    answer: str
    abstained: bool
    answerable: bool
    gold_answer: str | None
    exact_match: float | None
    f1: float | None
    facts: float | None
    citation_precision: float | None
    citation_recall: float | None
    citations: list[dict[str, Any]]
    retrieve_ms: float
    ttft_ms: float
    total_ms: float


@dataclass
class ModeResult:
    mode: str
    model: str
    adapter: str | None
    rows: list[AnswerRow]
    metrics: dict[str, float | None]


@dataclass
class EvalResult:
    gold: str
    k: int
    created: str
    questions: int
    retrieval: dict[str, float | None]
    hit_curve: dict[str, list[float]]  # level -> hit@1..k
    retrieval_rows: list[RetrievalRow]
    modes: list[ModeResult]
    adapter_card: dict[str, Any] | None = None
    recommendation: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)


def evaluate(
    engine: Engine,
    items: Sequence[GoldItem],
    *,
    k: int = 10,
    modes: Sequence[str] = ("rag",),
    adapter: str | None = None,
    engines: EngineFor | None = None,
    gold: str = "",
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> EvalResult:
    """Retrieval metrics once per question, answer metrics once per question and mode;
    ``engines`` gives the engine of each mode's adapter (by default :class:`AdapterEngines`,
    closed at the end)."""
    own = AdapterEngines(engine)  # builds nothing unless asked
    try:
        return _evaluate(engine, items, k, modes, adapter, engines or own, gold, progress, cancel)
    finally:
        own.close()


def _evaluate(
    engine: Engine,
    items: Sequence[GoldItem],
    k: int,
    modes: Sequence[str],
    adapter: str | None,
    engine_for: EngineFor,
    gold: str,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> EvalResult:
    report = progress or (lambda _: None)
    total = len(items) * (1 + len(modes))
    done = 0
    retrieval_rows = []
    for item in items:
        retrieval_rows.append(retrieval_row(engine, item, k))
        done += 1
        report(Progress("retrieval", done, total, item.question))
        if cancel is not None:
            cancel.check()
    results = []
    for mode in modes:
        name = adapter if uses_adapter(mode) else None
        runs = engine_for(name)
        ask = asker(runs, mode)
        rows = []
        for item in items:
            ans = ask(item.question, cancel)
            rows.append(answer_row(item, mode, ans))
            done += 1
            report(Progress(mode, done, total, item.question))
        chat = runs.models.in_use().chat_model
        results.append(ModeResult(mode, chat, name, rows, mode_metrics(rows)))
    in_use = engine.models.in_use()
    return EvalResult(
        gold=gold, k=k, created=datetime.now().isoformat(timespec="seconds"),
        questions=len(items), retrieval=retrieval_metrics(retrieval_rows, k),
        hit_curve={lv: hit_curve(retrieval_rows, lv, k) for lv in LEVELS},
        retrieval_rows=retrieval_rows, modes=results,
        settings={"chat_model": engine.settings.llm.model,
                  "embed_model": in_use.embed_model, "reranker": in_use.reranker,
                  "max_sources": engine.settings.answer.max_sources},
    )  # fmt: skip


# -- retrieval ---------------------------------------------------------------------------------
def page_key(hit: SearchHit, gold_pages: set[tuple[str, int]]) -> tuple[str, int | None]:
    """A hit's page-level key: the gold page it covers (a chunk may span pages), else its own."""
    for page in hit.pages or ([hit.page] if hit.page else []):
        if (hit.path, page) in gold_pages:
            return hit.path, page
    return hit.path, hit.page


def retrieval_row(engine: Engine, item: GoldItem, k: int) -> RetrievalRow:
    start = time.perf_counter()
    hits = engine.library.search(item.question, k)
    ms = (time.perf_counter() - start) * 1000
    row = RetrievalRow(item.id, item.question, ms,
                       [{"path": h.path, "page": h.page, "score": h.score} for h in hits])  # fmt: skip
    if not item.answerable or not item.sources:
        return row
    docs: set[Hashable] = {s.path for s in item.sources}
    pages = {(s.path, s.page) for s in item.sources if s.page is not None}
    rankings: dict[str, tuple[list[Hashable], set[Hashable]]] = {
        "document": ([h.path for h in hits], docs)
    }
    if pages:
        rankings["page"] = ([page_key(h, pages) for h in hits], set(pages))
    for level, (ranked, relevant) in rankings.items():
        row.first_rank[level] = m.first_relevant_rank(ranked, relevant)
        row.scores |= {
            f"{level}.hit@{k}": m.hit_at_k(ranked, relevant, k),
            f"{level}.recall@{k}": m.recall_at_k(ranked, relevant, k),
            f"{level}.mrr": m.reciprocal_rank(ranked, relevant),
            f"{level}.ndcg@{k}": m.ndcg_at_k(ranked, relevant, k),
        }
    return row


def retrieval_metrics(rows: Sequence[RetrievalRow], k: int) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for level in LEVELS:
        scored = [r for r in rows if level in r.first_rank]
        out[f"{level}.questions"] = float(len(scored))
        for name in ("hit@{k}", "recall@{k}", "mrr", "ndcg@{k}"):
            key = f"{level}.{name.format(k=k)}"
            out[key] = m.mean(r.scores.get(key) for r in scored)
    times = [r.retrieve_ms for r in rows]
    out["retrieve_ms.mean"] = m.mean(times)
    out["retrieve_ms.p95"] = m.percentile(times, 95)
    return out


def hit_curve(rows: Sequence[RetrievalRow], level: str, k: int) -> list[float]:
    """hit@1 .. hit@k averaged over the questions scored at ``level``."""
    ranks = [r.first_rank[level] for r in rows if level in r.first_rank]
    if not ranks:
        return []
    return [sum(1 for r in ranks if r is not None and r <= i) / len(ranks) for i in range(1, k + 1)]


# -- answers -----------------------------------------------------------------------------------
def answer_row(item: GoldItem, mode: str, ans: Answer) -> AnswerRow:
    abstained = ans.abstained or m.declined(ans.answer)
    gold = item.answer if item.answerable else None
    cite_p = cite_r = None
    if with_retrieval(mode) and not abstained:
        cite_p, cite_r = m.citation_scores(ans.answer, {c.n: c.text for c in ans.citations},
                                           {c.n: c.supported for c in ans.citations})  # fmt: skip
    t = ans.timings
    return AnswerRow(
        id=item.id, question=item.question, mode=mode, answer=ans.answer, abstained=abstained,
        answerable=item.answerable, gold_answer=item.answer,
        exact_match=None if gold is None else m.exact_match(ans.answer, gold),
        f1=None if gold is None else m.token_f1(ans.answer, gold),
        facts=m.contains_facts(ans.answer, item.facts) if item.answerable else None,
        citation_precision=cite_p, citation_recall=cite_r,
        citations=[{"n": c.n, "path": c.path, "page": c.page, "supported": c.supported}
                   for c in ans.citations],
        retrieve_ms=t.retrieve_ms, ttft_ms=t.ttft_ms, total_ms=t.total_ms,
    )  # fmt: skip


def mode_metrics(rows: Sequence[AnswerRow]) -> dict[str, float | None]:
    abst_p, abst_r = m.abstention_scores([r.abstained for r in rows], [r.answerable for r in rows])
    out: dict[str, float | None] = {
        "exact_match": m.mean(r.exact_match for r in rows),
        "f1": m.mean(r.f1 for r in rows),
        "facts": m.mean(r.facts for r in rows),
        "citation_precision": m.mean(r.citation_precision for r in rows),
        "citation_recall": m.mean(r.citation_recall for r in rows),
        "abstention_precision": abst_p,
        "abstention_recall": abst_r,
        "abstained": float(sum(r.abstained for r in rows)),
    }
    for name in ("retrieve_ms", "ttft_ms", "total_ms"):
        values = [float(getattr(r, name)) for r in rows]
        out[f"{name}.mean"] = m.mean(values)
        out[f"{name}.p50"] = m.percentile(values, 50)
        out[f"{name}.p95"] = m.percentile(values, 95)
    return out


# -- provenance ----------------------------------------------------------------------------------
def adapter_card(settings: Settings, adapter: str | None) -> dict[str, Any] | None:
    """The card of the adapter an eval run measures (its name alone when it has none), shown
    in the report; None without an adapter."""
    from sourcewise.core.llm.adapter_card import read_card

    return (read_card(settings, adapter) or {"name": adapter}) if adapter else None


def gold_sha256(path: Path) -> str:
    """The gold file's hash, recorded with the results (which gold set they measure)."""
    from sourcewise.core.modelstore.hashing import file_sha256

    return file_sha256(path)
