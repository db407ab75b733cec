"""Analyst questions over real 10-Q statements: line items, and ratios defined, named or asked
as a share — does the answer state the figure?

    python bench/statement_answers.py [--data ../shared/data/sec10q] [--split tune|eval]
        [--models-dir models] [--before CHECKOUT] [--index DIR] [--out FILE.json]

The questions (`bench/data/statement_questions.jsonl`) are written in FinanceBench's manner
over the twenty 10-Qs of ``../shared/data/sec10q`` (all indexed together, the other companies
as distractors), each gold read off the report's own statement rows: *item* (one line item
of a named period: "Apple's capital expenditure for the nine months ended July 1, 2023"),
*defined* (a ratio the question defines: "Operating margin is operating income divided by net
sales"), *known* (a ratio it only names: a gross margin percentage, a current ratio) and
*share* (a row's share of revenue). The split follows the data's README: tune on AAPL, AMZN
and INTC; report on MSFT and NVDA.

Metrics per kind: *right* (a line item: the answer states the gold figure in any scale, as
`bench/report_answers.py` counts; a ratio: a decimal or percentage of the answer equals the
gold to the precision of the rounder of the two, sign aside), *right report* (a citation is from the
report the question is about) and *declined*.

``--before CHECKOUT`` runs another checkout's code first. ``--index DIR`` copies an index of
the twenty reports built before (by the same ingest code) for each system instead of building
one: the answer code is what differs.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from _checkout import run_worker
from real_reports import DEFAULT_DATA
from report_answers import states
from report_answers import worker as ask_worker

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "data" / "statement_questions.jsonl"
KINDS = ("item", "defined", "known", "share")
# A ratio stated: a decimal or a percentage (not a date's "1" or "2023").
_RATIO = re.compile(r"\d[\d,]*\.\d+|\d[\d,]*(?:\.\d+)?(?=\s?%)")


def load(split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    return [q for q in rows if q["split"] == split]


def right(q: dict[str, Any], answer: str) -> bool:
    if q["kind"] == "item":
        return states(q["figures"], answer)
    said = [n.replace(",", "") for n in _RATIO.findall(answer)]
    return any(_close(s, g.lstrip("-")) for s in said for g in q["figures"])


def _close(said: str, gold: str) -> bool:
    places = min(len(said.partition(".")[2]), len(gold.partition(".")[2]))
    return abs(float(said) - float(gold)) <= 0.5 * 10**-places + 1e-9


def score(q: dict[str, Any], a: dict[str, Any]) -> dict[str, bool]:
    ok = not a["abstained"] and right(q, a["answer"])
    return {"right": ok, "report": q["report"] in a["cited"], "declined": a["abstained"]}


def table(questions: list[dict[str, Any]], systems: dict[str, dict[str, Any]]) -> str:
    lines = ["| kind | system | n | right | right report | declined |", "|---|---|---|---|---|---|"]
    for kind in [*KINDS, "all"]:
        qs = [q for q in questions if kind in ("all", q["kind"])]
        for label, answers in systems.items():
            s = [score(q, answers[q["id"]]) for q in qs]
            cells = " | ".join(f"{sum(x[m] for x in s) / len(s):.2f}"
                               for m in ("right", "report", "declined"))  # fmt: skip
            lines.append(f"| {kind} | {label} | {len(qs)} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", choices=["tune", "eval"], default="tune")
    ap.add_argument("--models-dir", type=Path, default=HERE.parent / "models")
    ap.add_argument("--before", type=Path, help="another checkout: its Sourcewise runs first")
    ap.add_argument("--index", type=Path, help="a data folder holding an index of the reports")
    ap.add_argument("--out", type=Path, help="every answer and its scores, as JSON")
    ap.add_argument("--worker", nargs=4, metavar=("DOCS", "HOME", "QFILE", "OUT"),
                    help=argparse.SUPPRESS)  # fmt: skip
    args = ap.parse_args()
    if args.worker:
        ask_worker(*map(Path, args.worker), args.models_dir)
        return
    questions = load(args.split)
    systems = {}
    with tempfile.TemporaryDirectory(prefix="statement-answers-") as tmp:
        if args.before is not None:
            systems["before"] = run_worker(Path(__file__), args.data / "docs", questions, Path(tmp),
                                           args.models_dir, args.before, args.index)  # fmt: skip
        systems["now"] = run_worker(Path(__file__), args.data / "docs", questions, Path(tmp),
                                    args.models_dir, None, args.index)  # fmt: skip
    print(f"sec10q, {args.split} split: {len(questions)} statement questions\n")
    print(table(questions, systems))
    if args.out:
        scored = {label: {q["id"]: {**answers[q["id"]], **score(q, answers[q["id"]]),
                                    "question": q["question"], "figures": q["figures"]}
                          for q in questions} for label, answers in systems.items()}  # fmt: skip
        args.out.write_text(json.dumps(scored, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
