"""Answers from every kind of passage: a person's mixed folder, asked through ``Engine.ask``.

    .venv/bin/python bench/answers_mixed.py [--before CHECKOUT] [--folder DIR] [--limit N]

The folder (bench/mixed_folder.py: DOCX policies with tables, an XLSX budget, a CSV, a scanned
invoice, hard-wrapped and Markdown notes, an FAQ, minutes, a prose PDF, three real 10-Qs, and
German, Chinese and Spanish articles) is indexed at the defaults with the bundled models, and the
91 questions of bench/data/mixed_questions.jsonl (18 unanswerable) are asked one by one, as
``sourcewise ask`` does, in a process per system: this checkout, and with ``--before`` another
checkout's code on the same files, in the same run.

Scoring. *Right*: not declined and the answer holds a gold answer (any of ``answers``; every
one of ``require``), compared after SQuAD normalisation as whole tokens, or as a substring for
Chinese. *Right and cited*: right, and a citation points into the gold file. *Declined although
answerable*: the engine abstained or the text says the documents do not cover it. *Declined
when unanswerable*: the same on the unanswerable questions. *First token*: from the question to
the first streamed token, warm (the model was loaded and asked once before), p50.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from _answer_metrics import holds_gold, percentile, rate, says_not_covered
from _checkout import run_worker

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "data" / "mixed_questions.jsonl"


def load_questions(limit: int | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    return rows[:limit] if limit else rows


# -- scoring ------------------------------------------------------------------------------------
def right(q: dict[str, Any], text: str) -> bool:
    if q["require"] and not all(holds_gold(text, g) for g in q["require"]):
        return False
    return not q["answers"] or any(holds_gold(text, g) for g in q["answers"])


def score(q: dict[str, Any], row: dict[str, Any]) -> dict[str, bool]:
    declined = row["abstained"] or says_not_covered(row["answer"])
    if q["unanswerable"]:
        return {"declined": declined}
    ok = not declined and right(q, row["answer"])
    cited = any(Path(path).as_posix().endswith(q["file"]) for path in row["cited"])
    return {"right": ok, "right_cited": ok and cited, "declined": declined}


# -- one system's answers, in the process bench/_checkout.py starts -----------------------------
def worker(folder: Path, home: Path, qfile: Path, out: Path, models_dir: Path) -> None:
    from sourcewise.core.factory import build_engine
    from sourcewise.core.settings import Settings

    engine = build_engine(Settings(home=home, models_dir=models_dir))
    report = engine.library.index([folder])
    print(f"indexed {report.files_indexed} files, {report.chunks} chunks; failed "
          f"{[Path(f.path).name for f in getattr(report, 'failures', [])]}",
          file=sys.stderr, flush=True)  # fmt: skip
    engine.answers.ask("What is this folder about?")  # the model loaded and warm, as in the app
    rows = {}
    for line in qfile.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        rows[q["id"]] = _ask(engine, q["question"])
        print(f"{q['id']} {q['question'][:60]!r} -> {rows[q['id']]['answer'][:100]!r}",
              file=sys.stderr, flush=True)  # fmt: skip
    engine.close()
    out.write_text(json.dumps({"rows": rows}, ensure_ascii=False), encoding="utf-8")


def _ask(engine: Any, question: str) -> dict[str, Any]:
    first: list[float] = []
    t0 = time.perf_counter()

    def on_token(_: str) -> None:
        if not first:
            first.append(time.perf_counter() - t0)

    try:
        ans = _ask_with(engine, question, on_token)
    except Exception as exc:  # noqa: BLE001 - a crash is a result the table must show
        return {"answer": f"CRASH {type(exc).__name__}: {exc}", "abstained": False, "cited": [],
                "first_s": None, "total_s": time.perf_counter() - t0, "crashed": True}  # fmt: skip
    return {"answer": ans.answer, "abstained": ans.abstained,
            "cited": [c.path for c in ans.citations], "mode": ans.mode,
            "first_s": first[0] if first and not ans.abstained else None,
            "total_s": time.perf_counter() - t0, "crashed": False}  # fmt: skip


def _ask_with(engine: Any, question: str, on_token: Any) -> Any:
    """The facade's ask with its options object, or with keywords in a checkout from before
    ``AskOptions`` (``--before``): the worker imports the checkout it measures."""
    try:
        from sourcewise.core.types import AskOptions
    except ImportError:
        return engine.answers.ask(question, on_token=on_token)
    return engine.answers.ask(question, AskOptions(on_token=on_token))


# -- the table ----------------------------------------------------------------------------------
def table(questions: list[dict[str, Any]], systems: dict[str, dict[str, Any]]) -> str:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in questions:
        groups[f"kind: {q['kind']}"].append(q)
        groups[f"language: {q['lang']}"].append(q)
    groups["all"] = questions
    lines = ["| group | system | n | right+cited | right | declined (answerable) | "
             "declined (unanswerable) | first token p50 s | crashes |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, qs in groups.items():
        for label, res in systems.items():
            lines.append(_row(name, label, qs, res["rows"]))
    return "\n".join(lines)


def _row(name: str, label: str, qs: list[dict[str, Any]], rows: dict[str, Any]) -> str:
    ans = [(q, score(q, rows[q["id"]])) for q in qs if not q["unanswerable"]]
    una = [score(q, rows[q["id"]]) for q in qs if q["unanswerable"]]
    first = [rows[q["id"]]["first_s"] for q in qs if rows[q["id"]]["first_s"] is not None]
    crashes = sum(rows[q["id"]].get("crashed", False) for q in qs)
    return (f"| {name} | {label} | {len(ans)}+{len(una)} | {_f(rate([s['right_cited'] for _, s in ans]))} "
            f"| {_f(rate([s['right'] for _, s in ans]))} | {_f(rate([s['declined'] for _, s in ans]))} "
            f"| {_f(rate([s['declined'] for s in una]))} | {_f(percentile(first, 50), 1)} | {crashes} |")  # fmt: skip


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", nargs=4, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--models-dir", type=Path, default=HERE.parent / "models")
    ap.add_argument("--before", type=Path, help="another checkout: its Sourcewise runs as well")
    ap.add_argument("--folder", type=Path, help="a folder built by bench/mixed_folder.py")
    ap.add_argument("--limit", type=int, help="only the first N questions (a quick look)")
    ap.add_argument("--ids", help="only these question ids, comma-separated (a quick look)")
    ap.add_argument("--out", type=Path, help="write every answer and score as JSON here")
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker, models_dir=args.models_dir)
        return
    import mixed_folder

    questions = load_questions(args.limit)
    if args.ids:
        questions = [q for q in questions if q["id"] in args.ids.split(",")]
    with tempfile.TemporaryDirectory(prefix="sw-mixed-") as tmp:
        work = Path(tmp)
        folder = args.folder or mixed_folder.build(work / "folder")
        systems = {}
        if args.before:
            systems["before"] = run_worker(
                Path(__file__), folder, questions, work, args.models_dir, args.before
            )
        systems["now"] = run_worker(Path(__file__), folder, questions, work, args.models_dir, None)
    print(table(questions, systems))
    if args.out:
        scored = {label: {q["id"]: {**res["rows"][q["id"]], **score(q, res["rows"][q["id"]])}
                          for q in questions} for label, res in systems.items()}  # fmt: skip
        args.out.write_text(json.dumps(scored, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
