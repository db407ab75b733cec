"""Calibrate the abstention signals on the SQuAD **train** articles (never the eval ones).

    .venv/bin/python bench/answerability.py [--n 80] [--set key=value]... [--judge-prompt TEXT]
        [--exclude TRAINING.jsonl]

For each sampled question it runs the product's own steps up to the answer (retrieval, evidence
selection, the model's yes/no judgement) and records its signals: the best passage rerank
score (the retrieval gate), the best evidence-sentence score, how many question words the
evidence lacks, and (--judge) the model's P(Yes). It prints
each signal's distribution on answerable vs unanswerable questions and, for each threshold, the
share of answerable questions kept and unanswerable ones declined, so the defaults in
``AnswerSettings`` (``abstain_below``, ``answerable_threshold``) are read off a table.
``--exclude`` leaves out the questions an adapter was trained on (the ``id`` of each line), so
an adapter's threshold is calibrated on train-article questions it has not seen.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _squad

from sourcewise.core.answer import prompts
from sourcewise.core.answer.answerability import judge, uncovered_terms
from sourcewise.core.answer.answerer import Answerer
from sourcewise.core.answer.context import render
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def _signals(answerer: Answerer, question: str, with_judge: bool) -> dict[str, float]:
    hits = answerer.search(question, answerer.settings.answer.max_sources, None)
    rerank = max((h.scores.get("rerank", float("-inf")) for h in hits), default=float("-inf"))
    sources = answerer._sources(question, hits)  # the product's own evidence step
    text = render(sources)
    out = {"rerank": rerank, "evidence": max((s.score for s in sources), default=-20.0),
           "uncovered": float(len(uncovered_terms(question, text)))}  # fmt: skip
    if with_judge:
        out["p_yes"] = judge(answerer.model, text, question, 0.5).p_yes
    return out


def auc(records: list[dict[str, Any]], key: str) -> float:
    """P(an answerable question scores above an unanswerable one), ties half."""
    ans = [r[key] for r in records if r["answerable"]]
    una = [r[key] for r in records if not r["answerable"]]
    wins = sum((a > u) + 0.5 * (a == u) for a in ans for u in una)
    return wins / (len(ans) * len(una)) if ans and una else 0.5


def _excluded(path: Path | None) -> set[str]:
    if path is None:
        return set()
    with path.open(encoding="utf-8") as f:
        return {json.loads(line).get("id", "") for line in f if line.strip()}


def _table(records: list[dict[str, Any]], key: str, cuts: list[float]) -> list[str]:
    ans = [r[key] for r in records if r["answerable"]]
    una = [r[key] for r in records if not r["answerable"]]
    lines = [f"\n### {key}: answerable median {statistics.median(ans):.3f}, "
             f"unanswerable median {statistics.median(una):.3f}, AUC {auc(records, key):.2f}\n",
             "| threshold | answerable kept | unanswerable declined |", "|---|---|---|"]  # fmt: skip
    for cut in cuts:
        kept = sum(v >= cut for v in ans) / len(ans)
        declined = sum(v < cut for v in una) / len(una)
        lines.append(f"| {cut:g} | {kept:.2f} | {declined:.2f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=80)
    ap.add_argument("--models-dir", type=Path, default=REPO / "models")
    ap.add_argument("--judge", action="store_true", help="also the model's P(Yes) (slow)")
    ap.add_argument("--judge-prompt", help="replace prompts.JUDGE for this run")
    ap.add_argument("--exclude", type=Path, help="JSON Lines whose ids are left out")
    ap.add_argument("--set", dest="sets", action="append", default=[], help="key=value")
    args = ap.parse_args(argv)
    if args.judge_prompt:
        prompts.JUDGE = args.judge_prompt
    articles = _squad.load()
    skip = _excluded(args.exclude)
    questions = _squad.sample(articles, min(args.n + len(skip), 1200), split="train")
    questions = [q for q in questions if q.id not in skip][: args.n]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        docs = home / "docs"
        _squad.write_corpus(articles, docs)
        overrides: dict[str, Any] = {"home": home, "models_dir": args.models_dir,
                                     "index": {"parse_mode": "thread"}}  # fmt: skip
        for item in args.sets:
            key, _, value = item.partition("=")
            group, _, name = key.partition(".")
            overrides.setdefault(group, {})[name] = _value(value)
        engine = build_engine(Settings(**overrides))
        engine.library.index([docs])
        model = engine._parts.require_chat_model()
        answerer = Answerer(engine.settings, model, engine.library.search, engine._parts.reranker)
        records = []
        t0 = time.perf_counter()
        for q in questions:
            sig = _signals(answerer, q.question, args.judge)
            records.append({"answerable": q.answerable, **sig})
        seconds = time.perf_counter() - t0
        engine.close()
    print(f"{len(records)} train questions, {seconds / len(records):.1f} s each")
    lines = _table(records, "rerank", [-8, -6, -4, -2, 0, 2])
    lines += _table(records, "evidence", [-8, -6, -4, -2, 0, 2, 4])
    # "Uncovered" counts question words missing from the evidence: keep when <= threshold.
    lines += _table([{**r, "uncovered": -r["uncovered"]} for r in records], "uncovered",
                    [-0.0, -1.0, -2.0, -3.0])  # fmt: skip
    if args.judge:
        lines += _table(records, "p_yes", [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
    print("\n".join(lines))
    return 0


def _value(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


if __name__ == "__main__":
    sys.exit(main())
