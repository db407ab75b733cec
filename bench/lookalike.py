"""Retrieval on a library of look-alike reports: Sourcewise defaults beside LlamaIndex defaults.

    python bench/lookalike.py [--library DIR] [--quick] [--models-dir models] [--k 5]
        [--out bench/results/lookalike.md] [--hits-out FILE]
    python bench/retrieval.py --corpus lookalike [same options]

The library comes from bench/lookalike_corpus.py (DIR/*.pdf, DIR/questions.jsonl). Both systems
index the same copy of its PDFs in a fresh temporary folder and answer every question at k=5:

- Sourcewise at its defaults, through the engine facade (``build_engine``, ``Engine.index``,
  ``Engine.search``), in a temporary data dir. A hit counts for the page it is labelled with
  (``SearchHit.page``, what citations show); the "span" column also counts any page it spans.
- LlamaIndex at its defaults: bench/llamaindex_pipeline.py as a subprocess (pypdf, one Document
  per page, SentenceSplitter 1024/200, MiniLM, FAISS, the default retriever). When llama-index
  is not installed (``pip install -e '.[bench]'``), an in-process emulation of that pipeline is
  measured instead and labelled as such: PyMuPDF page text, the page as one node (pages here are
  well under 1024 tokens), the metadata LlamaIndex embeds with it ("page_label", "file_path"),
  MiniLM by sentence-transformers, exact inner-product search.

Metrics per system: page hit@5 (a gold page of the gold document in the top 5), document hit@5,
MRR@5 of the first gold page, and indexing pages/s (wall clock, models loaded beforehand).
--quick keeps the first 2 companies (an annual and a quarterly filer) with all their periods
(16 reports of 40) and the questions about them: a company's own reports of other periods are
the hardest look-alikes, so a subset of periods would make the task easier than the full one.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_LIBRARY = Path("/tmp/lookalike/dev")


@dataclass
class Result:
    system: str
    ranked: dict[str, list[tuple[str, int, tuple[int, ...]]]]  # id -> [(file, page, span)]
    pages: int
    index_s: float
    query_ms: list[float] = field(default_factory=list)
    note: str = ""


# -- library ----------------------------------------------------------------------------------
def load_library(library: Path, quick: bool) -> tuple[list[str], list[dict[str, Any]]]:
    """The report file names and the questions about them (a subset with ``quick``)."""
    manifest = json.loads((library / "library.json").read_text(encoding="utf-8"))
    docs = manifest["documents"]
    questions = [json.loads(line) for line in (library / "questions.jsonl").open(encoding="utf-8")]
    if quick:  # every period of fewer companies: the look-alikes that matter are one company's
        names = set(list(dict.fromkeys(d["company"] for d in docs))[:2])
        docs = [d for d in docs if d["company"] in names]
    files = [d["file"] for d in docs]
    wanted = set(files)
    return files, [q for q in questions if q["doc"] in wanted]


def stage(library: Path, files: list[str], dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in files:
        shutil.copy2(library / name, dest / name)
    return dest


# -- metrics ----------------------------------------------------------------------------------
def score(result: Result, questions: list[dict[str, Any]], k: int) -> dict[str, float]:
    page_hits = span_hits = doc_hits = 0
    rr: list[float] = []
    for q in questions:
        gold = {(q["doc"], p) for p in q["pages"]}
        top = result.ranked.get(q["id"], [])[:k]
        ranks = [i for i, (f, p, _) in enumerate(top, 1) if (f, p) in gold]
        page_hits += bool(ranks)
        span_hits += any((f, p) in gold for f, _, span in top for p in span)
        doc_hits += any(f == q["doc"] for f, _, _ in top)
        rr.append(1.0 / ranks[0] if ranks else 0.0)
    n = max(1, len(questions))
    return {"page": page_hits / n, "span": span_hits / n, "doc": doc_hits / n,
            "mrr": statistics.fmean(rr) if rr else 0.0}  # fmt: skip


# -- Sourcewise -------------------------------------------------------------------------------
def run_sourcewise(docs: Path, questions: list[dict[str, Any]], home: Path, models_dir: Path,
                   k: int) -> Result:  # fmt: skip
    from sourcewise.core.factory import build_engine
    from sourcewise.core.settings import Settings

    engine = build_engine(Settings(home=home, models_dir=models_dir), chat_model=None)
    engine._parts.embedder.warm_up()  # the model loads before the clock starts, as LlamaIndex's does
    engine._parts.embedder.embed_documents(["warm up the model once"])
    engine._parts.store  # noqa: B018 - open the (empty) index before the clock starts
    t0 = time.perf_counter()
    report = engine.library.index([docs])
    index_s = time.perf_counter() - t0
    print(f"Sourcewise indexed {report.files_indexed} files, {report.pages} pages, "
          f"{report.chunks} chunks in {index_s:.0f} s", file=sys.stderr, flush=True)  # fmt: skip
    engine.library.search("warm up the reranker", k)
    ranked: dict[str, list[tuple[str, int, tuple[int, ...]]]] = {}
    times = []
    for q in questions:
        t = time.perf_counter()
        hits = engine.library.search(q["question"], k)
        times.append((time.perf_counter() - t) * 1000)
        ranked[q["id"]] = [(Path(h.path).name, h.page or 0, tuple(h.pages or [h.page or 0]))
                           for h in hits]  # fmt: skip
    engine.close()
    return Result("Sourcewise defaults", ranked, report.pages, index_s, times)


# -- LlamaIndex -------------------------------------------------------------------------------
def llamaindex_installed() -> bool:
    try:
        return all(importlib.util.find_spec(m) is not None
                   for m in ("llama_index.core", "llama_index.embeddings.huggingface",
                             "llama_index.vector_stores.faiss", "pypdf"))  # fmt: skip
    except ModuleNotFoundError:  # a parent package (llama_index) is missing
        return False


def llamaindex_hits(docs: Path, questions: list[dict[str, Any]], work: Path, models_dir: Path,
                    k: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    """Run bench/llamaindex_pipeline.py on ``docs`` and ``questions`` ({"id", "question"}):
    its summary (timings, pages) and one row {"id", "hits": [{"file", "page", "text"}]} per
    question (bench/real_reports.py reads the texts too)."""
    qfile, hits, out = work / "li_questions.jsonl", work / "li_hits.jsonl", work / "li.json"
    qfile.write_text("".join(json.dumps({"id": q["id"], "question": q["question"]}) + "\n"
                             for q in questions), encoding="utf-8")  # fmt: skip
    cmd = [sys.executable, str(HERE / "llamaindex_pipeline.py"), "--input", str(docs),
           "--model", str(models_dir / "all-MiniLM-L6-v2"), "--questions", str(qfile),
           "--k", str(k), "--hits", str(hits), "--json", str(out)]  # fmt: skip
    env = {key: v for key, v in os.environ.items() if not key.startswith("SOURCEWISE_")}
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    rows = [json.loads(line) for line in hits.read_text(encoding="utf-8").splitlines()]
    return json.loads(out.read_text(encoding="utf-8")), rows


def run_llamaindex(docs: Path, questions: list[dict[str, Any]], work: Path, models_dir: Path,
                   k: int) -> Result:  # fmt: skip
    res, rows = llamaindex_hits(docs, questions, work, models_dir, k)
    ranked = {
        row["id"]: [(h["file"], _page(h["page"]), (_page(h["page"]),)) for h in row["hits"]]
        for row in rows
    }
    return Result("LlamaIndex defaults (pypdf, 1024-token chunks, MiniLM)", ranked,
                  int(res["pages"]), float(res["wall_s"]))  # fmt: skip


def _page(label: object) -> int:
    try:
        return int(str(label))
    except ValueError:
        return 0


def run_emulated(docs: Path, questions: list[dict[str, Any]], models_dir: Path, k: int) -> Result:
    """LlamaIndex's default pipeline re-created without llama-index (see the module doc)."""
    import numpy as np
    import pymupdf
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(models_dir / "all-MiniLM-L6-v2"), device="cpu")
    model.encode(["warm up"])
    t0 = time.perf_counter()
    keys: list[tuple[str, int]] = []
    texts: list[str] = []
    for path in sorted(docs.glob("*.pdf")):
        with pymupdf.open(path) as pdf:
            for number, page in enumerate(pdf, 1):
                keys.append((path.name, number))
                texts.append(f"page_label: {number}\nfile_path: {path}\n\n{page.get_text()}")
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
    index_s = time.perf_counter() - t0
    ranked = {}
    for q in questions:
        query = model.encode([q["question"]], normalize_embeddings=True)[0]
        top = np.argsort(-(vectors @ query))[:k]
        ranked[q["id"]] = [(keys[i][0], keys[i][1], (keys[i][1],)) for i in top]
    return Result("LlamaIndex defaults, emulated (PyMuPDF text, page nodes, MiniLM)", ranked,
                  len(keys), index_s, note="llama-index is not installed: emulated")  # fmt: skip


# -- report -----------------------------------------------------------------------------------
def table(results: list[Result], questions: list[dict[str, Any]], k: int) -> list[str]:
    out = [f"| system | page hit@{k} | page hit@{k} (any page a hit spans) | document hit@{k} | "
           f"MRR@{k} | indexing pages/s | index s | search p50 ms |",
           "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        m = score(r, questions, k)
        p50 = f"{statistics.median(r.query_ms):.0f}" if r.query_ms else "–"
        out.append(f"| {r.system} | {m['page']:.3f} | {m['span']:.3f} | {m['doc']:.3f} | "
                   f"{m['mrr']:.3f} | {r.pages / max(r.index_s, 1e-9):.1f} | {r.index_s:.0f} | {p50} |")  # fmt: skip
    return out


def write_hits(path: Path, results: list[Result], questions: list[dict[str, Any]]) -> None:
    """Per question, each system's top k (for looking at the misses)."""
    with path.open("w", encoding="utf-8") as fh:
        for q in questions:
            row = {**q, "systems": {r.system: r.ranked.get(q["id"], []) for r in results}}
            fh.write(json.dumps(row) + "\n")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--library", type=Path, default=DEFAULT_LIBRARY)
    ap.add_argument("--quick", action="store_true", help="2 companies x all periods (16 reports)")
    ap.add_argument("--models-dir", type=Path, default=HERE.parent / "models")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--systems", default="sourcewise,llamaindex")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "lookalike.md")
    ap.add_argument("--hits-out", type=Path, help="JSONL of every system's top k per question")
    args = ap.parse_args(argv)
    for key in [k for k in os.environ if k.startswith("SOURCEWISE_")]:
        del os.environ[key]  # the defaults, whatever the calling shell has set
    files, questions = load_library(args.library, args.quick)
    if not questions:
        raise SystemExit(
            f"no questions in {args.library} (generate it with bench/lookalike_corpus.py)"
        )
    systems = args.systems.split(",")
    load = os.getloadavg()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="lookalike-") as tmp:
        work = Path(tmp)
        docs = stage(args.library, files, work / "docs")
        if "sourcewise" in systems:
            results.append(
                run_sourcewise(docs, questions, work / "home", args.models_dir.resolve(), args.k)
            )
        if "llamaindex" in systems:
            if llamaindex_installed():
                results.append(
                    run_llamaindex(docs, questions, work, args.models_dir.resolve(), args.k)
                )
            else:
                print(
                    "llama-index is not installed: measuring the emulated pipeline", file=sys.stderr
                )
                results.append(run_emulated(docs, questions, args.models_dir.resolve(), args.k))
    pages = sum(r.pages for r in results[:1])
    lines = [f"Look-alike library {args.library}{' (--quick subset)' if args.quick else ''}: "
             f"{len(files)} reports, {pages:,} pages, {len(questions)} questions naming company and "
             f"period. {os.cpu_count()} CPUs, load average {load[0]:.1f} at the start, "
             f"{os.getloadavg()[0]:.1f} at the end.", "", *table(results, questions, args.k)]  # fmt: skip
    lines += [f"\nNote: {r.note}." for r in results if r.note]
    text = "\n".join(lines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    if args.hits_out:
        write_hits(args.hits_out, results, questions)


if __name__ == "__main__":
    main()
