"""Answers from real report PDFs: does the answer state the gold figure, from the right report?

    python bench/report_answers.py [--data ../shared/data/sec10q] [--split tune|eval]
        [--models-dir models] [--before CHECKOUT] [--index DIR] [--out FILE.json]

The twenty 10-Qs of ``../shared/data/sec10q`` indexed together at the defaults, and every
single-report table question of the split whose gold answer states a figure (its README's
split: tune on AAPL, AMZN and INTC, report on MSFT and NVDA) asked through ``Engine.ask``.
``bench/real_reports.py`` measures whether search finds the figure; this measures whether the
answer says it.

Metrics per company and overall:
- *states a figure*: the answer holds one of the gold answer's figures, in any scale
  (``figures`` of real_reports.py: commas and ``$`` ignored; years and numbers under 100 are
  not figures; "$23,198 million" states "$23.198 billion");
- *right report*: a citation is from the report the question names;
- *both*: the two together; *declined*: the answer says the documents do not cover it.

``--before CHECKOUT`` runs another checkout's code first, each on an index it builds, one after
the other (answers are deterministic: one sampling seed). ``--index DIR`` copies an index of the
twenty reports built before (by the same ingest code) for each system instead; with
``--before-index DIR`` the before system answers on its own (its ingest code differs).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _checkout import run_worker
from real_reports import DEFAULT_DATA, figures, load_questions

HERE = Path(__file__).resolve().parent


def table_questions(data: Path, split: str) -> list[dict[str, Any]]:
    return [{"id": q.id, "question": q.question, "report": q.files[0], "figures": sorted(q.figures)}
            for q in load_questions(data, split)
            if q.single and q.kind == "table" and q.figures]  # fmt: skip


def worker(docs: Path, home: Path, qfile: Path, out: Path, models_dir: Path) -> None:
    from sourcewise.core.factory import build_engine
    from sourcewise.core.settings import Settings

    engine = build_engine(Settings(home=home, models_dir=models_dir))
    engine.library.index([docs])
    answers = {}
    for line in qfile.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        a = engine.answers.ask(q["question"])
        answers[q["id"]] = {"answer": a.answer, "abstained": a.abstained,
                            "cited": sorted({Path(c.path).name for c in a.citations})}  # fmt: skip
        print(f"{q['id']} {a.answer[:100]!r}", file=sys.stderr, flush=True)
    engine.close()
    out.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")


def states(gold: list[str], answer: str) -> bool:
    """Whether ``answer`` states one of the ``gold`` figures, in any scale: "$23,198 million"
    states a gold "$23.198 billion" (the gold answers mix millions and billions)."""
    return any(_same(said, g, scale)
               for g in gold for said in figures(answer) for scale in (1, 1000, 0.001))  # fmt: skip


def _same(said: str, gold: str, scale: float) -> bool:
    """Equal once scaled, to the precision of the rounder of the two ("14.2" billion is
    14,158 million rounded)."""
    tolerance = max(0.5 * 10 ** -_decimals(said), 0.5 * scale * 10 ** -_decimals(gold))
    return abs(float(said) - float(gold) * scale) <= tolerance + 1e-9


def _decimals(figure: str) -> int:
    return len(figure.partition(".")[2])


def score(q: dict[str, Any], a: dict[str, Any]) -> dict[str, bool]:
    stated = not a["abstained"] and states(q["figures"], a["answer"])
    right = q["report"] in a["cited"]
    return {"figure": stated, "report": right, "both": stated and right,
            "declined": a["abstained"]}  # fmt: skip


def table(questions: list[dict[str, Any]], systems: dict[str, dict[str, Any]]) -> str:
    lines = ["| company | system | n | states a figure | right report | both | declined |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    companies = sorted({q["report"].split()[-1].removesuffix(".pdf") for q in questions})
    for group in [*companies, "all"]:
        qs = [q for q in questions if group == "all" or q["report"].endswith(f"{group}.pdf")]
        for label, answers in systems.items():
            s = [score(q, answers[q["id"]]) for q in qs]
            cells = " | ".join(f"{sum(x[m] for x in s) / len(s):.2f}"
                               for m in ("figure", "report", "both", "declined"))  # fmt: skip
            lines.append(f"| {group} | {label} | {len(qs)} | {cells} |")
    return "\n".join(lines)


def parser(doc: str) -> argparse.ArgumentParser:
    """The options of a bench over the twenty 10-Qs (this one's and statement_answers.py's)."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n", maxsplit=1)[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", choices=["tune", "eval"], default="tune")
    ap.add_argument("--models-dir", type=Path, default=HERE.parent / "models")
    ap.add_argument("--before", type=Path, help="another checkout: its Sourcewise runs first")
    ap.add_argument("--index", type=Path, help="a data folder holding an index of the reports")
    ap.add_argument("--before-index", type=Path,
                    help="--before's own index (its ingest code differs); default: --index")  # fmt: skip
    ap.add_argument("--out", type=Path, help="every answer and its scores, as JSON")
    ap.add_argument("--worker", nargs=4, metavar=("DOCS", "HOME", "QFILE", "OUT"),
                    help=argparse.SUPPRESS)  # fmt: skip
    return ap


def answer(
    script: Path, args: argparse.Namespace, questions: list[dict[str, Any]]
) -> dict[str, Any]:
    """Each system's answers: ``--before``'s code first, then this checkout's."""
    systems = {}
    with tempfile.TemporaryDirectory(prefix=f"{script.stem}-") as tmp:
        if args.before is not None:
            systems["before"] = run_worker(script, args.data / "docs", questions, Path(tmp),
                                           args.models_dir, args.before,
                                           args.before_index or args.index)  # fmt: skip
        systems["now"] = run_worker(script, args.data / "docs", questions, Path(tmp),
                                    args.models_dir, None, args.index)  # fmt: skip
    return systems


def save(out: Path, questions: list[dict[str, Any]], systems: dict[str, Any],
         scorer: Callable[[dict[str, Any], dict[str, Any]], dict[str, bool]]) -> None:  # fmt: skip
    scored = {label: {q["id"]: {**answers[q["id"]], **scorer(q, answers[q["id"]]),
                                "question": q["question"], "figures": q["figures"]}
                      for q in questions} for label, answers in systems.items()}  # fmt: skip
    out.write_text(json.dumps(scored, ensure_ascii=False, indent=1), encoding="utf-8")


def main() -> None:
    args = parser(__doc__).parse_args()
    if args.worker:
        worker(*map(Path, args.worker), args.models_dir)
        return
    questions = table_questions(args.data, args.split)
    systems = answer(Path(__file__), args, questions)
    print(f"sec10q, {args.split} split: {len(questions)} single-report table questions\n")
    print(table(questions, systems))
    if args.out:
        save(args.out, questions, systems, score)


if __name__ == "__main__":
    main()
