"""Answer benchmark on SQuAD 2.0: accuracy, citations, abstention and latency of whole answer
pipelines ("rows") through the engine facade, on held-out articles.

    .venv/bin/python bench/answer_squad.py [--quick | --n 200] [--split eval|train]
        [--row NAME:key=value,...]... [--set key=value]... [--cold 3] [--out FILE.json]

All six articles of ../shared/data/squad2 are indexed together (one Markdown file each) in a
temporary data directory with the real bundled models; questions are sampled with a fixed seed
from the evaluation articles only (bench/_squad.py holds the split and why), alternating
answerable and unanswerable. Every row gets its own engine and chat model over the same index
(as the app and ``serve`` keep one warm), warmed up with one question first; the rows take turns
on each question, in rotating order, so machine load falls on all of them alike. Then ``--cold``
questions per row run as ``sourcewise ask --json`` subprocesses (a fresh process, model loaded
from a warm page cache).

Scoring (bench/_answer_metrics.py): an answer *abstains* when the engine abstained or the text
says the documents do not cover it. On answerable questions: *contains* = not abstained and a
SQuAD-normalised gold answer occurs in the normalised answer as whole tokens; *F1* = best token
F1 against the gold answers (0 when abstained); *cited holds* = not abstained and a citation's
text contains a gold answer or its span covers a gold answer's characters in the article;
*answered* = not abstained. On unanswerable ones: *abstained*. *Uncited*: among the answers
given, no citation (or ``Answer.uncited`` true). TTFT is ``timings.ttft_ms`` (generation start
to first token) over answers the model generated; *question to first token* adds retrieval.
Prompt and source tokens are read from ``timings.prompt_tokens`` / ``timings.source_tokens``
(or the Answer) when the engine reports them, else "n/a". Percentiles are nearest-rank.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _answer_rows as rows_
import _squad
import _squad_run

from sourcewise.core.errors import SourcewiseError

REPO = Path(__file__).resolve().parents[1]
QUICK_N = 40


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--models-dir", type=Path, default=REPO / "models")
    ap.add_argument("--data", type=Path, default=_squad.SQUAD, help="SQuAD 2.0 JSON file.")
    ap.add_argument("--n", type=int, default=200, help="Questions per row (default 200).")
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_N} questions (sets --n).")
    ap.add_argument("--split", choices=("eval", "train"), default="eval",
                    help="Articles to sample from: eval (the tables) or train (tuning).")  # fmt: skip
    ap.add_argument("--answerable-share", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=_squad.SEED)
    ap.add_argument("--row", action="append", default=[], metavar="NAME:key=value,...",
                    help="A pipeline to compare (repeatable); default: previous and new defaults.")  # fmt: skip
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                    help="A setting for every row, over the rows' own (repeatable).")  # fmt: skip
    ap.add_argument("--cold", type=int, default=3, help="Cold `sourcewise ask` runs per row.")
    ap.add_argument("--cold-timeout", type=float, default=600.0, help="Seconds per cold run.")
    ap.add_argument("--out", type=Path, help="Write per-question records and the summary here.")
    ap.add_argument("--keep", type=Path, help="Use this folder (kept) instead of a temp dir.")
    args = ap.parse_args(argv)
    if args.quick:
        args.n = QUICK_N
    return args


def _rows(args: argparse.Namespace) -> tuple[list[rows_.Row], dict[str, Any], list[str]]:
    base = {k: v for pair in args.sets for k, v in rows_.parse_pairs(pair, "--set").items()}
    rows_.check_keys(base, "--set")
    if args.row:
        rows = [rows_.parse_row(spec) for spec in args.row]
        notes: list[str] = []
    else:
        rows, notes = rows_.default_rows()
    for row in rows:
        rows_.check_keys(row.overrides, f"--row {row.name}")
    if len({r.name for r in rows}) != len(rows):
        raise ValueError("two rows have the same name")
    return rows, base, notes


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    rows, base, notes = _rows(args)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    articles = _squad.load(args.data)
    _squad.check_split(articles)
    questions = _squad.sample(articles, args.n, args.split, args.answerable_share, args.seed)
    corpus = _squad.write_corpus(articles, work / "corpus")
    gold = _squad_run.gold_spans(articles, corpus, questions)
    home, models_dir = work / "home", args.models_dir.expanduser().resolve()
    dotted = {r.name: rows_.merged(r, base) for r in rows}
    settings = {n: rows_.build_settings(d, home, models_dir) for n, d in dotted.items()}
    rows_.check_shared(settings)
    # The warm-up question comes from the other half, so it is never one of the sample's.
    warm_q = _squad.sample(articles, 1, "train" if args.split == "eval" else "eval")[0].question
    phases: dict[str, float] = {}
    clock = time.perf_counter()
    bench = _squad_run.Bench(settings)
    try:
        index = bench.index(work / "corpus")
        print(f"indexed {index['files']} files, {index['chunks']} chunks in {index['seconds']:.1f} s",
              file=sys.stderr)  # fmt: skip
        clock = _phase(phases, "index_s", clock)
        load_s = bench.warm_up(warm_q)
        clock = _phase(phases, "warm_up_s", clock)
        records, interrupted = bench.ask_all(questions, corpus, gold)
        clock = _phase(phases, "warm_asks_s", clock)
    finally:
        bench.close()
    cold = _squad_run.cold_runs(questions[: max(0, args.cold)], dotted, home, models_dir, corpus,
                                gold, args.cold_timeout)  # fmt: skip
    _phase(phases, "cold_s", clock)
    config = {
        "data": str(args.data),
        "split": args.split,
        "seed": args.seed,
        "n": args.n,
        "answerable_share": args.answerable_share,
        "eval_articles": list(_squad.EVAL_ARTICLES),
        "train_articles": list(_squad.TRAIN_ARTICLES),
        "models_dir": str(models_dir),
        "set": base,
        "notes": notes,
        "rows": {
            n: {"overrides": d, "settings": _squad_run.settings_view(settings[n])}
            for n, d in dotted.items()
        },
        "cpu_count": os.cpu_count(),
        "started": started,
        "phases_s": phases,
        "interrupted": interrupted,
    }
    return {
        "config": config,
        "index": index,
        "summary": _summaries(list(settings), records, cold, load_s),
        "records": records,
        "cold": cold,
    }


def _phase(phases: dict[str, float], name: str, since: float) -> float:
    now = time.perf_counter()
    phases[name] = round(now - since, 1)
    return now


def _summaries(
    names: list[str], records: list[dict[str, Any]], cold: list[dict[str, Any]],
    load_s: dict[str, float],
) -> dict[str, dict[str, Any]]:  # fmt: skip
    return {
        n: rows_.summarise([r for r in records if r["row"] == n],
                           [c for c in cold if c["row"] == n], load_s.get(n))
        for n in names
    }  # fmt: skip


def report(result: dict[str, Any]) -> str:
    cfg = result["config"]
    head = (
        f"## SQuAD 2.0 answers: {cfg['split']} articles "
        f"({', '.join(cfg['eval_articles'] if cfg['split'] == 'eval' else cfg['train_articles'])}), "
        f"{cfg['n']} questions per row, seed {cfg['seed']}, {cfg['cpu_count']} cores"
        + (" (interrupted)" if cfg["interrupted"] else "")
    )
    settings = "\n".join(
        f"- {name}: {', '.join(rows_.cli_pairs(r['overrides'])) or 'defaults'}"
        for name, r in cfg["rows"].items()
    )
    phases = ", ".join(f"{k.removesuffix('_s').replace('_', ' ')} {v:.0f} s"
                       for k, v in cfg["phases_s"].items())  # fmt: skip
    return f"{head}\n\n{settings}\n\n{rows_.goals_table(result['summary'])}\n\ntime: {phases}\n"


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            result = run(args, args.keep.resolve())
        else:
            with tempfile.TemporaryDirectory(prefix="sourcewise-squad-") as tmp:
                result = run(args, Path(tmp))
    except (ValueError, SourcewiseError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(report(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
        print(f"records: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
