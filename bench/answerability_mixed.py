"""Calibrate the answerability decision on every kind of passage, not only English prose.

    .venv/bin/python bench/answerability_mixed.py [--squad 60] [--out signals.json]

Two dev sets, each through the product's own steps up to the answer (retrieval, evidence, the
model's yes/no): the mixed folder's **odd-numbered** questions (bench/mixed_folder.py; the even
ones are left for checking) and ``--squad`` questions of the SQuAD **train** articles. Per
question it records the best passage rerank score (the retrieval gate), the best evidence
unit's score, the question's content words the evidence lacks, whether the best unit is a table
row, a key-value line or prose, and the model's P(Yes). It prints, per kind, the answerable and
unanswerable medians and, for candidate rules, answerable kept / unanswerable declined.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import _squad
import mixed_folder
from answers_mixed import load_questions

from sourcewise.core.answer.answerability import judge, missing_names, uncovered_terms
from sourcewise.core.answer.answerer import Answerer
from sourcewise.core.answer.context import render
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings

HERE = Path(__file__).resolve().parent


def signals(answerer: Answerer, question: str) -> dict[str, Any]:
    hits = answerer.search(question, answerer.settings.answer.max_sources, None)
    rerank = max((h.scores.get("rerank", float("-inf")) for h in hits), default=float("-inf"))
    sources = answerer._sources(question, hits)
    text = render(sources)
    best = sources[0].quote if sources else ""
    kind = "table" if "|" in best else ("key-value" if ":" in best[:40] else "prose")
    return {"rerank": rerank, "evidence": max((s.score for s in sources), default=-20.0),
            "uncovered": uncovered_terms(question, text), "kind": kind,
            "missing": missing_names(question, text),
            "p_yes": judge(answerer.model, text, question, 0.5).p_yes if sources else 0.0}  # fmt: skip


def collect(folder: Path, questions: list[dict[str, Any]], models_dir: Path, tmp: Path,
            label: str) -> list[dict[str, Any]]:  # fmt: skip
    engine = build_engine(Settings(home=tmp / label, models_dir=models_dir))
    engine.library.index([folder])
    answerer = Answerer(engine.settings, engine._parts.require_chat_model(), engine.library.search,
                        engine._parts.reranker)  # fmt: skip
    out = []
    for q in questions:
        rec = {"set": label, "id": q["id"], "group": q["group"], "answerable": q["answerable"],
               **signals(answerer, q["question"])}  # fmt: skip
        print(json.dumps(rec, ensure_ascii=False), file=sys.stderr, flush=True)
        out.append(rec)
    engine.close()
    return out


def rules(records: list[dict[str, Any]]) -> list[str]:
    """Answerable kept / unanswerable declined per group, for the P(Yes) threshold alone and
    with a margin added where a name of the question is missing from the evidence (the
    product's rule: core/answer/answerability.py); the gate on the best of the passage and
    evidence scores."""
    groups = [*sorted({r["group"] for r in records}), "all"]
    lines = ["| threshold | margin | " + " | ".join(groups) + " |",
             "|---|---|" + "---|" * len(groups)]  # fmt: skip
    for threshold in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75):
        for margin in (0.0, 0.1, 0.2, 0.3):
            cells = []
            for g in groups:
                rs = [r for r in records if g in ("all", r["group"])]
                keep = [_keeps(r, threshold, margin) for r in rs]
                ans = [k for k, r in zip(keep, rs, strict=True) if r["answerable"]]
                una = [not k for k, r in zip(keep, rs, strict=True) if not r["answerable"]]
                cells.append(f"{_rate(ans)}/{_rate(una)}")
            lines.append(f"| {threshold} | {margin} | " + " | ".join(cells) + " |")
    return lines


def _keeps(r: dict[str, Any], threshold: float, margin: float, gate: float = -2.0) -> bool:
    if max(r["rerank"], r["evidence"]) < gate:
        return False
    return bool(r["p_yes"] >= threshold + (margin if r["missing"] else 0.0))


def _rate(flags: list[bool]) -> str:
    return f"{sum(flags) / len(flags):.2f}" if flags else "–"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--squad", type=int, default=60)
    ap.add_argument("--models-dir", type=Path, default=HERE.parent / "models")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--load", type=Path, help="print the tables of a saved --out file")
    args = ap.parse_args()
    records = json.loads(args.load.read_text(encoding="utf-8")) if args.load else _run(args)
    if args.out:
        args.out.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    for g in sorted({r["group"] for r in records}):
        rs = [r for r in records if r["group"] == g]
        for key in ("p_yes", "rerank", "evidence"):
            a = [r[key] for r in rs if r["answerable"]]
            u = [r[key] for r in rs if not r["answerable"]]
            print(f"{g:14} {key:8} answerable median {_med(a)} (n={len(a)}), "
                  f"unanswerable {_med(u)} (n={len(u)})")  # fmt: skip
    print("\n".join(rules(records)))


def _med(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "–"


def _run(args: argparse.Namespace) -> list[dict[str, Any]]:
    mixed = [{"id": q["id"], "question": q["question"], "answerable": not q["unanswerable"],
              "group": q["kind"] if q["lang"] == "en" else f"lang-{q['lang']}"}
             for q in load_questions() if int(q["id"][1:]) % 2 == 1]  # fmt: skip
    articles = _squad.load()
    squad = [{"id": q.id, "question": q.question, "answerable": q.answerable, "group": "squad"}
             for q in _squad.sample(articles, args.squad, split="train")]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sw-calib-") as tmp:
        work = Path(tmp)
        folder = mixed_folder.build(work / "mixed")
        records = collect(folder, mixed, args.models_dir, work, "mixed")
        _squad.write_corpus(articles, work / "squad")
        records += collect(work / "squad", squad, args.models_dir, work, "squad")
    return records


if __name__ == "__main__":
    main()
