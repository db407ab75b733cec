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
*share* (a row's share of revenue) and *formula* (a metric the question defines with sums,
differences or constants: free cash flow, EBITDA, a quick ratio). The split follows the data's README: tune on AAPL, AMZN
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

import json
import re
from pathlib import Path
from typing import Any

from report_answers import answer, parser, save, states
from report_answers import worker as ask_worker

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "data" / "statement_questions.jsonl"
KINDS = ("item", "defined", "known", "share", "formula")
# A ratio stated: a decimal or a percentage (not a date's "1" or "2023").
_RATIO = re.compile(r"\d[\d,]*\.\d+|\d[\d,]*(?:\.\d+)?(?=\s?%)")


def load(split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    return [q for q in rows if q["split"] == split]


def right(q: dict[str, Any], answer: str) -> bool:
    if q["kind"] == "item":
        return states(q["figures"], answer)
    said = [n.replace(",", "") for n in _RATIO.findall(answer)]
    close = any(_close(s, g.lstrip("-")) for s in said for g in q["figures"])
    # A formula's result is an amount (in any scale, as a line item) or a ratio.
    unsigned = [g.lstrip("-") for g in q["figures"]]  # sign aside, as for a ratio
    return close or (q["kind"] == "formula" and states(unsigned, answer))


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
    args = parser(__doc__).parse_args()
    if args.worker:
        ask_worker(*map(Path, args.worker), args.models_dir)
        return
    questions = load(args.split)
    systems = answer(Path(__file__), args, questions)
    print(f"sec10q, {args.split} split: {len(questions)} statement questions\n")
    print(table(questions, systems))
    if args.out:
        save(args.out, questions, systems, score)


if __name__ == "__main__":
    main()
