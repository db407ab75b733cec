"""Real report PDFs: the right report and the answer's figures, Sourcewise beside LlamaIndex.

    python bench/real_reports.py [--data ../shared/data/sec10q] [--split eval|tune|all]
        [--names named,opaque] [--systems sourcewise,llamaindex] [--k 5]
        [--out bench/results/real_reports.md] [--hits-out FILE] [--keep DIR]

20 real 10-Q PDFs (5 companies x 4 quarters) with 195 reviewed questions
(``../shared/data/sec10q``). Its README's split is kept: tune on AAPL, AMZN and INTC questions,
report on MSFT and NVDA (``--split eval``, the default); all 20 reports are indexed in both
cases, so the other companies are the distractors. Every table runs twice: with the files as
published (``2023 Q3 AAPL.pdf``) and renamed to opaque names (``report-07.pdf``, a seeded
shuffle), because people's files are often named ``annual-report-final.pdf`` and identity must
come from the content too.

Systems, each indexing a fresh copy: Sourcewise at its defaults through the engine facade, and
the default LlamaIndex pipeline (bench/llamaindex_pipeline.py: pypdf, 1024-token chunks, MiniLM,
FAISS; ``pip install -e '.[bench]'``).

Metrics (a question's ``Source Docs`` glob names its reports):
- report@5: single-report questions with a hit from the right report in the top 5;
- all@10: multi-report questions with every report the glob names in the top 10;
- figure@5: single-report table questions whose gold answer states a figure, with a top-5 hit
  from the right report whose text holds one of the answer's figures (commas and ``$``
  ignored; years and one- or two-digit numbers are not figures);
- MRR@10 of the first right-report hit (single-report questions);
- pages/s: PDF pages over indexing wall time, models loaded beforehand.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lookalike import llamaindex_hits

HERE = Path(__file__).resolve().parent

DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "sec10q"
TUNE = ("AAPL", "AMZN", "INTC")
EVAL = ("MSFT", "NVDA")
DEPTH = 10  # hits kept per question: all@10 reads ten
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")

Hit = tuple[str, int, str]  # file as published, page, text


@dataclass
class Question:
    id: str
    question: str
    glob: str
    files: list[str]
    kind: str  # "table" or "text"
    figures: set[str]

    @property
    def single(self) -> bool:
        return len(self.files) == 1


@dataclass
class Result:
    system: str
    names: str
    ranked: dict[str, list[Hit]]
    pages: int
    index_s: float
    query_ms: list[float] = field(default_factory=list)


# -- data -------------------------------------------------------------------------------------
def figures(text: str) -> set[str]:
    """The figures a text states, normalised (``$1,875.5`` -> ``1875.5``); years and numbers
    under 100 are too common in any report to tell a passage apart."""
    out = set()
    for m in _NUMBER.finditer(text):
        raw = m.group().rstrip(",")
        value = raw.replace(",", "")
        if "." not in value and (len(value) < 3 or (len(value) == 4 and value[:2] in ("19", "20")
                                                     and "," not in raw)):  # fmt: skip
            continue
        out.add(value.rstrip("0").rstrip(".") if "." in value else value)
    return out


def load_questions(data: Path, split: str) -> list[Question]:
    names = sorted(p.name for p in (data / "docs").glob("*.pdf"))
    companies = {"tune": TUNE, "eval": EVAL, "all": TUNE + EVAL}[split]
    out = []
    with (data / "qna_data.csv").open(encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            glob = row["Source Docs"].strip()
            files = [n for n in names if fnmatch.fnmatch(n, glob)]
            if not files or not any(c in glob for c in companies):
                continue
            kind = row["Source Chunk Type"].strip().lower()
            out.append(Question(f"q{i:03d}", row["Question"].strip(), glob, files, kind,
                                figures(row["Answer"])))  # fmt: skip
    return out


def stage(data: Path, dest: Path, opaque: bool) -> dict[str, str]:
    """Copies of the reports in ``dest``; returns staged name -> published name."""
    dest.mkdir(parents=True)
    names = sorted(p.name for p in (data / "docs").glob("*.pdf"))
    order = list(names)
    random.Random(7).shuffle(order)
    mapping = {}
    for i, name in enumerate(order, 1):
        staged = f"report-{i:02d}.pdf" if opaque else name
        shutil.copy2(data / "docs" / name, dest / staged)
        mapping[staged] = name
    return mapping


# -- systems ----------------------------------------------------------------------------------
def run_sourcewise(docs: Path, mapping: dict[str, str], questions: list[Question], work: Path,
                   models_dir: Path, names: str, code: Path | None = None) -> Result:  # fmt: skip
    """Sourcewise in a process of its own: this checkout's code, or (``code``) another
    checkout's, so the code before a change runs beside it on the same files."""
    qfile, out = work / "sw_questions.jsonl", work / "sw.json"
    qfile.write_text("".join(json.dumps({"id": q.id, "question": q.question}) + "\n"
                             for q in questions), encoding="utf-8")  # fmt: skip
    env = {key: v for key, v in os.environ.items() if not key.startswith("SOURCEWISE_")}
    if code is not None:
        env["PYTHONPATH"] = str(_namespace_links(code, work / "links"))
    home = work / ("home-before" if code else "home")
    cmd = [sys.executable, str(HERE / "real_reports.py"), "--worker", str(docs), str(home),
           str(qfile), str(out), "--models-dir", str(models_dir)]  # fmt: skip
    subprocess.run(cmd, check=True, env=env)
    res = json.loads(out.read_text(encoding="utf-8"))
    ranked = {qid: [(mapping.get(f, ""), p, t) for f, p, t in hits]
              for qid, hits in res["ranked"].items()}  # fmt: skip
    label = "Sourcewise (before)" if code else "Sourcewise"
    return Result(label, names, ranked, res["pages"], res["index_s"], res["query_ms"])


def _namespace_links(code: Path, dest: Path) -> Path:
    """A folder whose ``sourcewise`` package is another checkout's code (as setup.py maps it)."""
    pkg = dest / "sourcewise"
    pkg.mkdir(parents=True, exist_ok=True)
    for top in ("core", "desktop", "models", "resources"):
        link = pkg / top
        if not link.exists():
            link.symlink_to(code.resolve() / top)
    return dest


def worker(docs: Path, home: Path, qfile: Path, out: Path, models_dir: Path) -> None:
    """Index ``docs`` at the defaults through the engine facade, search every question."""
    from sourcewise.core.factory import build_engine
    from sourcewise.core.settings import Settings

    engine = build_engine(Settings(home=home, models_dir=models_dir), chat_model=None)
    engine._parts.embedder.warm_up()  # loaded before the clock starts, as LlamaIndex's model is
    engine._parts.embedder.embed_documents(["warm up the model once"])
    engine.library.status()  # the (empty) library opened before the clock starts
    t0 = time.perf_counter()
    report = engine.library.index([docs])
    index_s = time.perf_counter() - t0
    print(f"Sourcewise ({engine.__module__}) indexed {report.files_indexed} files, "
          f"{report.pages} pages, {report.chunks} chunks in {index_s:.0f} s",
          file=sys.stderr, flush=True)  # fmt: skip
    engine.library.search("warm up the reranker", 5)
    ranked: dict[str, list[tuple[str, int, str]]] = {}
    times = []
    for line in qfile.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        t = time.perf_counter()
        hits = engine.library.search(q["question"], DEPTH)
        times.append((time.perf_counter() - t) * 1000)
        ranked[q["id"]] = [(Path(h.path).name, h.page or 0, h.text) for h in hits]
    engine.close()
    out.write_text(json.dumps({"ranked": ranked, "pages": report.pages, "index_s": index_s,
                               "query_ms": times}), encoding="utf-8")  # fmt: skip


def run_llamaindex(docs: Path, mapping: dict[str, str], questions: list[Question], work: Path,
                   models_dir: Path, names: str) -> Result:  # fmt: skip
    asked = [{"id": q.id, "question": q.question} for q in questions]
    res, rows = llamaindex_hits(docs, asked, work, models_dir, DEPTH)
    ranked = {row["id"]: [(mapping.get(h["file"], ""), _page(h["page"]), h.get("text", ""))
                          for h in row["hits"]] for row in rows}  # fmt: skip
    return Result("LlamaIndex defaults", names, ranked, int(res["pages"]), float(res["wall_s"]))


def _page(label: object) -> int:
    try:
        return int(str(label))
    except ValueError:
        return 0


# -- metrics ----------------------------------------------------------------------------------
def score(result: Result, questions: list[Question], k: int) -> dict[str, float]:
    single = [q for q in questions if q.single]
    multi = [q for q in questions if not q.single]
    table = [q for q in single if q.kind == "table" and q.figures]
    report_hits, rr, figure_hits, all_hits = 0, [], 0, 0
    for q in single:
        top = result.ranked.get(q.id, [])
        ranks = [i for i, (f, _, _) in enumerate(top, 1) if f in q.files]
        report_hits += bool(ranks and ranks[0] <= k)
        rr.append(1.0 / ranks[0] if ranks else 0.0)
    for q in table:
        top = result.ranked.get(q.id, [])[:k]
        figure_hits += any(f in q.files and q.figures & figures(text) for f, _, text in top)
    for q in multi:
        found = {f for f, _, _ in result.ranked.get(q.id, [])[:DEPTH]}
        all_hits += set(q.files) <= found
    return {
        "report": report_hits / max(1, len(single)),
        "all": all_hits / max(1, len(multi)),
        "figure": figure_hits / max(1, len(table)),
        "mrr": statistics.fmean(rr) if rr else 0.0,
        "pages_s": result.pages / max(result.index_s, 1e-9),
    }


def table(results: list[Result], questions: list[Question], k: int) -> list[str]:
    n_single = sum(q.single for q in questions)
    n_table = sum(q.single and q.kind == "table" and bool(q.figures) for q in questions)
    out = [f"| system | file names | report@{k} ({n_single}) | all@{DEPTH} "
           f"({len(questions) - n_single}) | figure@{k} ({n_table}) | MRR@{DEPTH} | pages/s | "
           "index s | search p50 ms |", "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        m = score(r, questions, k)
        p50 = f"{statistics.median(r.query_ms):.0f}" if r.query_ms else "–"
        out.append(f"| {r.system} | {r.names} | {m['report']:.3f} | {m['all']:.3f} | "
                   f"{m['figure']:.3f} | {m['mrr']:.3f} | {m['pages_s']:.1f} | {r.index_s:.0f} | "
                   f"{p50} |")  # fmt: skip
    return out


def write_hits(path: Path, results: list[Result], questions: list[Question], k: int) -> None:
    """Per question, each system's top k as (file, page, first words) for reading the misses."""
    with path.open("w", encoding="utf-8") as fh:
        for q in questions:
            row: dict[str, Any] = {"id": q.id, "question": q.question, "glob": q.glob,
                                   "kind": q.kind, "figures": sorted(q.figures)}  # fmt: skip
            for r in results:
                row[f"{r.system} ({r.names})"] = [
                    (f, p, bool(q.figures & figures(t)), t[:160])
                    for f, p, t in r.ranked.get(q.id, [])[:k]
                ]
            fh.write(json.dumps(row) + "\n")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument(
        "--split",
        choices=("eval", "tune", "both"),
        default="eval",
        help="which questions' table to print (both: one table each)",
    )
    ap.add_argument("--names", default="named,opaque")
    ap.add_argument("--systems", default="sourcewise,llamaindex")
    ap.add_argument("--models-dir", type=Path, default=HERE.parent / "models")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "real_reports.md")
    ap.add_argument("--hits-out", type=Path, help="JSONL of every system's top k per question")
    ap.add_argument("--before", type=Path, help="another checkout: its Sourcewise runs as well")
    ap.add_argument("--worker", nargs=4, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(*args.worker, models_dir=args.models_dir)
        return
    for key in [k for k in os.environ if k.startswith("SOURCEWISE_")]:
        del os.environ[key]  # the defaults, whatever the calling shell has set
    splits = ("tune", "eval") if args.split == "both" else (args.split,)
    questions = load_questions(args.data, "all" if args.split == "both" else args.split)
    models_dir = args.models_dir.resolve()
    load = os.getloadavg()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="real-reports-") as tmp:
        for names in args.names.split(","):
            work = Path(tmp) / names
            mapping = stage(args.data, work / "docs", opaque=names == "opaque")
            if args.before:
                results.append(run_sourcewise(work / "docs", mapping, questions, work,
                                              models_dir, names, args.before))  # fmt: skip
            if "sourcewise" in args.systems:
                results.append(run_sourcewise(work / "docs", mapping, questions, work,
                                              models_dir, names))  # fmt: skip
            if "llamaindex" in args.systems:
                results.append(run_llamaindex(work / "docs", mapping, questions, work,
                                              models_dir, names))  # fmt: skip
    reports = len(list((args.data / "docs").glob("*.pdf")))
    lines = [f"{args.data.name}: {reports} reports. {os.cpu_count()} CPUs, load average {load[0]:.1f} "
             f"at the start, {os.getloadavg()[0]:.1f} at the end."]  # fmt: skip
    for split in splits:
        part = [
            q for q in questions if any(c in q.glob for c in (TUNE if split == "tune" else EVAL))
        ]
        lines += ["", f"{split} split ({', '.join(TUNE if split == 'tune' else EVAL)}): "
                  f"{len(part)} questions", "", *table(results, part, args.k)]  # fmt: skip
    text = "\n".join(lines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    if args.hits_out:
        write_hits(args.hits_out, results, questions, args.k)


if __name__ == "__main__":
    main()
