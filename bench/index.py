"""Indexing benchmark: Sourcewise vs a plain LlamaIndex pipeline, the embedding limit, re-indexing.

    .venv/bin/python bench/index.py [--quick] [--limit N] [--pdfs N --pages P] [--small-files N]
                                    [--batch-size 32] [--raw-sample N] [--no-llamaindex]
                                    [--li-matched] [--out docs/benchmarks-index.md]

Corpora (bench/_corpora.py, seeded, generated offline into a temp folder): SciFact abstracts as
"title\\n\\ntext" .txt files, long report-like PDFs (headers, footers, headings, tables) and a
folder of small notes for the re-index test.

Every indexing run is a fresh subprocess with a fresh data directory, sampled from here with
psutil every 0.1 s (RSS and CPU time summed over the process and its children, e.g. parse
workers). Sourcewise runs through ``build_engine(Settings(...)).index()`` with parse_mode
"process", once with the default embedder (bge-small-en, ONNX INT8) and once with
all-minilm-l6-v2 (sentence-transformers), the same model folder LlamaIndex's
HuggingFaceEmbedding loads, so that row pair compares pipelines, not models. Models are loaded
before the clock starts in both. LlamaIndex runs bench/llamaindex_pipeline.py inside a network
namespace with no network (``unshare -n``) when it can, to prove it never downloads anything.

The machine is shared and small, so wall times are noisy: compare rows of one run (the systems
run back to back on the same files), and read the CPU-seconds column, which contention moves less.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import _corpora  # noqa: E402

DEFAULT_MODELS = ROOT / "models"
MINILM = "all-minilm-l6-v2"
# The default (non --quick) run is sized to finish in < 25 min on an idle 2-core machine
# (extrapolated from the measured per-chunk cost; see docs/benchmarks-index.md).
# --limit 0 --pdfs 12 gives the complete SciFact corpus and 1,440 PDF pages (about an hour).
FULL_SCIFACT = 1500
FULL_PDFS = 8
BGE = "bge-small-en"


# ==================================================================================================
# Sampling a process tree from outside
# ==================================================================================================
class TreeSampler:
    """RSS and CPU time of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.samples: list[tuple[float, float, float]] = []  # (time.time, rss bytes, cpu s)
        self._cpu: dict[int, float] = {}  # last cpu seen per pid (exited workers keep theirs)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        rss = 0.0
        for proc in procs:
            try:
                with proc.oneshot():
                    rss += proc.memory_info().rss
                    times = proc.cpu_times()
                    self._cpu[proc.pid] = times.user + times.system
            except psutil.Error:
                continue
        self.samples.append((time.time(), rss, sum(self._cpu.values())))

    def window(self, start: float, end: float) -> tuple[float, float]:
        """(peak RSS in MB, CPU seconds) between two time.time() stamps."""
        inside = [s for s in self.samples if start - self.interval <= s[0] <= end + self.interval]
        if not inside:
            return 0.0, 0.0
        peak = max(s[1] for s in inside) / 2**20
        return peak, inside[-1][2] - inside[0][2]


def run_sampled(
    cmd: list[str], env: dict[str, str], timeout: float
) -> tuple[dict[str, Any], TreeSampler]:
    """Run a worker that prints one JSON line last; returns it and the sampler."""
    with tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False) as log:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
        with TreeSampler(proc.pid) as sampler:
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
        log.seek(0)
        errors = log.read()
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(errors.splitlines()[-25:])
        raise RuntimeError(f"worker failed ({proc.returncode}): {' '.join(cmd[:4])}...\n{tail}")
    return json.loads(lines[-1]), sampler


def worker_env(home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCEWISE_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONWARNINGS="ignore")  # fmt: skip
    if home is not None:
        env["SOURCEWISE_HOME"] = str(home)  # settings TOML inside the fresh home: none
    return env


def _no_network_prefix() -> list[str]:
    try:
        ok = (
            subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False).returncode
            == 0
        )
    except OSError:
        ok = False
    return ["unshare", "-n"] if ok else []


# ==================================================================================================
# Worker: Sourcewise indexing (runs in its own process)
# ==================================================================================================
class TimedEmbedder:
    """Forwards to a real embedder, adding up the time spent embedding and counting tokens."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.embed_s = 0.0
        self.embed_calls = 0
        self.embedded = 0
        self.count_s = 0.0
        self.count_calls = 0

    @property
    def name(self) -> str:
        return str(self.inner.name)

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def warm_up(self) -> None:
        self.inner.warm_up()

    def count_tokens(self, text: str) -> int:
        t = time.perf_counter()
        try:
            return int(self.inner.count_tokens(text))
        finally:
            self.count_s += time.perf_counter() - t
            self.count_calls += 1

    def embed_documents(self, texts: Sequence[str]) -> Any:
        t = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.embed_s += time.perf_counter() - t
            self.embed_calls += 1
            self.embedded += len(texts)

    def embed_query(self, text: str) -> Any:
        return self.inner.embed_query(text)


def _instrument_pipeline(phases: dict[str, float]) -> None:
    """Time IndexJob's main-thread phases (wrapping methods; no engine code is changed)."""
    from sourcewise.core.ingest import pipeline
    from sourcewise.core.store import sqlite_store

    def timed(owner: Any, name: str, label: str, before: Callable[..., None] | None = None) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                before(*args)
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phases[label] += time.perf_counter() - t

        setattr(owner, name, wrapper)

    def parse_seconds(_job: Any, fut: Any, *_rest: Any) -> None:
        try:
            phases["parse_worker_s"] += float(fut.result().seconds)
            phases["parsed_files"] += 1
        except Exception:  # noqa: BLE001 - a broken pool is the pipeline's business
            pass

    job = pipeline.IndexJob
    timed(job, "_scan", "scan")
    timed(job, "_wait", "wait_parse")  # main thread idle: nothing parsed yet to chunk or embed
    timed(job, "_collect", "chunk", before=parse_seconds)  # chunking runs in _collect
    timed(pipeline, "embed_by_length", "embed")  # looked up in the module at each call
    timed(job, "_commit", "commit")
    timed(job, "_remove_missing", "remove_missing")
    timed(sqlite_store.SqliteStore, "save_vectors", "save_vectors")


def sourcewise_worker(cfg: dict[str, Any]) -> dict[str, Any]:
    from sourcewise.core.factory import build_engine, make_embedder
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.settings import Settings

    settings = Settings(
        home=Path(cfg["home"]),
        models_dir=Path(cfg["models_dir"]),
        embed={"model": cfg["model"], "batch_size": cfg["batch_size"]},
        index={"parse_mode": cfg.get("parse_mode", "process")},
    )
    inner = make_embedder(settings, ModelStore(settings))
    inner.warm_up()
    inner.count_tokens("warm up the tokenizer")
    inner.embed_documents(["warm up the model once"])
    embedder = TimedEmbedder(inner)
    engine = build_engine(settings, embedder=embedder, chat_model=None, reranker=None)
    engine._parts.store  # noqa: B018 - open the (empty) index before the clock starts
    phases: dict[str, float] = defaultdict(float)
    _instrument_pipeline(phases)

    root = Path(cfg["input"])
    result: dict[str, Any] = {"system": "sourcewise", "model": cfg["model"]}
    start = time.time()
    t0 = time.perf_counter()
    report = engine.library.index([root])
    wall = time.perf_counter() - t0
    result.update(
        start=start, end=time.time(), wall_s=wall, files=report.files_indexed,
        failed=report.files_failed, pages=report.pages, chunks=report.chunks,
        embed_s=embedder.embed_s, embed_calls=embedder.embed_calls, embedded=embedder.embedded,
        count_tokens_s=embedder.count_s, count_tokens_calls=embedder.count_calls,
        phases=dict(phases), failures=[f.message for f in report.failures[:5]],
    )  # fmt: skip
    db = engine._parts.store.db
    row = db.execute("SELECT avg(tokens), max(tokens) FROM chunks").fetchone()
    result["chunk_tokens_avg"], result["chunk_tokens_max"] = float(row[0] or 0), int(row[1] or 0)

    if cfg.get("reindex"):  # no-change re-index with the same (real) embedder
        t = time.perf_counter()
        again = engine.library.index([root])
        result["reindex_nochange_s"] = time.perf_counter() - t
        result["reindex_nochange_unchanged"] = again.files_unchanged

    if cfg.get("raw_sample"):
        result["raw"] = _raw_throughput(db, inner, cfg["raw_sample"], cfg["batch_size"])
    engine.close()
    return result


def _raw_throughput(db: Any, embedder: Any, sample: int, batch: int) -> dict[str, float]:
    """Chunks/s of the bare embedder on a random sample of this corpus's own chunks, fed as the
    pipeline feeds it (slices of ``batch`` in stored order) and as one call (length-sorted)."""
    from sourcewise.core.ingest.chunking import embedding_text
    from sourcewise.core.store.rows import ChunkRecord

    rows = db.execute("SELECT id, text, heading FROM chunks ORDER BY id").fetchall()
    rng = random.Random(5)
    picked = sorted(rng.sample(range(len(rows)), min(sample, len(rows))))
    texts = [embedding_text(ChunkRecord(text=rows[i][1], heading=rows[i][2], page_start=None,
                                        page_end=None, page_label=None, start=0, end=0, tokens=0))
             for i in picked]  # fmt: skip
    if not texts:
        return {}
    t = time.perf_counter()
    for s in range(0, len(texts), batch):
        embedder.embed_documents(texts[s : s + batch])
    sliced = time.perf_counter() - t
    t = time.perf_counter()
    embedder.embed_documents(texts)
    whole = time.perf_counter() - t
    return {"n": len(texts), "sliced_cps": len(texts) / sliced, "sorted_cps": len(texts) / whole}


# ==================================================================================================
# Worker: re-index test (hash embedder, many small files)
# ==================================================================================================
def reindex_worker(cfg: dict[str, Any]) -> dict[str, Any]:
    from sourcewise.core.factory import build_engine
    from sourcewise.core.settings import Settings

    settings = Settings(
        home=Path(cfg["home"]),
        models_dir=Path(cfg["models_dir"]),
        embed={"model": cfg["model"], "batch_size": cfg["batch_size"]},
        index={"parse_mode": "process"},
    )
    root = Path(cfg["input"])
    files = sorted(root.rglob("*.txt"))
    out: dict[str, Any] = {"system": "sourcewise", "model": cfg["model"], "files": len(files)}

    phases: dict[str, float] = defaultdict(float)
    _instrument_pipeline(phases)

    def timed(label: str, engine: Any) -> Any:
        before = dict(phases)
        t = time.perf_counter()
        report = engine.library.index([root])
        out[f"{label}_s"] = time.perf_counter() - t
        out[f"{label}_phases"] = {k: v - before.get(k, 0.0) for k, v in phases.items()}
        out[f"{label}_report"] = {k: getattr(report, k) for k in (
            "files_indexed", "files_unchanged", "files_deduplicated", "files_removed",
            "files_failed", "chunks")}  # fmt: skip
        return report

    engine = build_engine(settings, chat_model=None, reranker=None)
    engine._parts.embedder.warm_up()
    timed("initial", engine)
    timed("nochange", engine)
    target = files[len(files) // 2]
    _corpora.change_content(target)
    timed("changed_one", engine)
    db = engine._parts.store.db
    out["orphan_blobs_after_change"] = db.execute(
        "SELECT count(*) FROM blobs WHERE id NOT IN "
        "(SELECT blob_id FROM documents WHERE blob_id IS NOT NULL)"
    ).fetchone()[0]
    out["vectors_after_change"] = int(engine._parts.store.vectors.ntotal)
    out["live_chunks_after_change"] = db.execute(
        "SELECT count(*) FROM chunks WHERE blob_id IN (SELECT blob_id FROM documents)"
    ).fetchone()[0]
    engine.close()

    cold = build_engine(settings, chat_model=None, reranker=None)  # as after an app restart
    cold._parts.embedder.warm_up()
    t = time.perf_counter()
    cold._parts.store  # noqa: B018
    out["cold_open_s"] = time.perf_counter() - t
    timed("nochange_cold", cold)
    stamp = time.time() + 5
    for path in files:  # e.g. a restore from backup or a fresh checkout: same bytes, new mtime
        os.utime(path, (stamp, stamp))
    timed("touched_all", cold)
    cold.close()
    return out


# ==================================================================================================
# Orchestration
# ==================================================================================================
@dataclass
class Row:
    corpus: str
    system: str
    embedder: str
    files: int
    pages: int
    chunks: int
    wall_s: float
    peak_mb: float
    cpu_s: float
    load: float
    extra: dict[str, Any] = field(default_factory=dict)

    def rate(self, n: float) -> float:
        return n / self.wall_s if self.wall_s > 0 else 0.0


def run_sourcewise(corpus: str, folder: Path, model: str, args: argparse.Namespace,
                   reindex: bool = False) -> Row:  # fmt: skip
    home = Path(tempfile.mkdtemp(prefix="sw-bench-home-"))
    cfg = {"home": str(home), "models_dir": str(args.models_dir), "model": model,
           "batch_size": args.batch_size, "input": str(folder), "raw_sample": args.raw_sample,
           "reindex": reindex}  # fmt: skip
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "sourcewise", json.dumps(cfg)]
    load = os.getloadavg()[0]
    try:
        res, sampler = run_sampled(cmd, worker_env(home), timeout=args.timeout)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    peak, cpu = sampler.window(res["start"], res["end"])
    pages = res["pages"] or res["files"]  # a text file counts as one page
    return Row(corpus, "Sourcewise", model, res["files"], pages, res["chunks"], res["wall_s"],
               peak, cpu, load, res)  # fmt: skip


def run_llamaindex(corpus: str, folder: Path, args: argparse.Namespace, chunk_size: int = 0,
                   chunk_overlap: int = 200) -> Row:  # fmt: skip
    model_dir = args.models_dir / "all-MiniLM-L6-v2"
    cmd = [*args.no_net, sys.executable, str(HERE / "llamaindex_pipeline.py"), "--input",
           str(folder), "--model", str(model_dir), "--batch-size", str(args.batch_size)]  # fmt: skip
    if chunk_size:
        cmd += ["--chunk-size", str(chunk_size), "--chunk-overlap", str(chunk_overlap)]
    load = os.getloadavg()[0]
    res, sampler = run_sampled(cmd, worker_env(), timeout=args.timeout)
    peak, cpu = sampler.window(res["start"], res["end"])
    label = "LlamaIndex" + (f" (chunk {chunk_size}/{chunk_overlap})" if chunk_size else "")
    pages = res["pages"] or res["files"]
    return Row(corpus, label, MINILM, res["files"], pages, res["chunks"], res["wall_s"], peak,
               cpu, load, res)  # fmt: skip


def fmt(x: float, digits: int = 1) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def throughput_table(rows: list[Row]) -> list[str]:
    out = ["| corpus | system | embedder | files | pages | chunks | wall s | files/s | pages/s "
           "| chunks/s | CPU s | peak RSS MB | load | speed vs LlamaIndex (wall) | (CPU s) |",
           "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    for row in rows:
        base = next((r for r in rows if r.corpus == row.corpus and r.system == "LlamaIndex"), None)
        ratio = f"{base.wall_s / row.wall_s:.2f}×" if base and row is not base else "—"
        cpu_ratio = (f"{base.cpu_s / row.cpu_s:.2f}×" if base and row is not base and row.cpu_s
                     else "—")  # fmt: skip
        out.append(
            f"| {row.corpus} | {row.system} | {row.embedder} | {row.files:,} | {row.pages:,} | "
            f"{row.chunks:,} | {fmt(row.wall_s)} | {fmt(row.rate(row.files))} | "
            f"{fmt(row.rate(row.pages))} | {fmt(row.rate(row.chunks))} | {fmt(row.cpu_s)} | "
            f"{row.peak_mb:,.0f} | {row.load:.1f} | {ratio} | {cpu_ratio} |"
        )
    return out


def phase_table(rows: list[Row]) -> list[str]:
    out = ["| corpus | embedder | wall s | embed | wait for parser | chunk (of which token "
           "counting) | commit | scan | save vectors | other | parse in worker (sum) | "
           "embedder busy |",
           "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    for row in rows:
        if row.system != "Sourcewise":
            continue
        e, p = row.extra, row.extra["phases"]
        known = sum(p.get(k, 0.0) for k in ("embed", "wait_parse", "chunk", "commit", "scan",
                                             "save_vectors", "remove_missing"))  # fmt: skip
        other = row.wall_s - known
        out.append(
            f"| {row.corpus} | {row.embedder} | {fmt(row.wall_s)} | {fmt(p.get('embed', 0))} | "
            f"{fmt(p.get('wait_parse', 0))} | {fmt(p.get('chunk', 0))} "
            f"({fmt(e['count_tokens_s'])}) | {fmt(p.get('commit', 0))} | {fmt(p.get('scan', 0))} "
            f"| {fmt(p.get('save_vectors', 0))} | {fmt(other)} | "
            f"{fmt(p.get('parse_worker_s', 0))} | {100 * p.get('embed', 0) / row.wall_s:.0f}% |"
        )
    return out


def li_phase_table(rows: list[Row]) -> list[str]:
    out = ["| corpus | system | wall s | load (read files) | split | embed + store | "
           "chunk size / overlap | model max tokens | avg tokens embedded text | chunks over "
           "the window | tokens cut off |",
           "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    for row in rows:
        if not row.system.startswith("LlamaIndex"):
            continue
        e = row.extra
        out.append(
            f"| {row.corpus} | {row.system} | {fmt(row.wall_s)} | {fmt(e['load_s'])} | "
            f"{fmt(e['split_s'])} | {fmt(e['embed_store_s'])} | {e['chunk_size']} tiktoken / "
            f"{e['chunk_overlap']} | {e['max_seq_length']} | {_opt(e, 'embed_tokens_avg', '{:.0f}')} "
            f"| {_opt(e, 'over_window', '{:.0%}')} | {_opt(e, 'tokens_beyond_window', '{:.0%}')} |"
        )
    return out


def _opt(extra: dict[str, Any], key: str, pattern: str) -> str:
    return pattern.format(extra[key]) if key in extra else "n/a"


def raw_table(rows: list[Row], batch: int) -> list[str]:
    out = [f"| corpus | embedder | avg chunk tokens | indexing chunks/s | raw chunks/s (slices of "
           f"{batch}, as the pipeline calls it) | indexing ÷ raw | raw chunks/s (one call, "
           "length-sorted) | indexing ÷ sorted |",
           "|---|---|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    for row in rows:
        raw = row.extra.get("raw") if row.system == "Sourcewise" else None
        if not raw:
            continue
        cps = row.rate(row.chunks)
        out.append(
            f"| {row.corpus} | {row.embedder} | {row.extra['chunk_tokens_avg']:.0f} | {fmt(cps)} | "
            f"{fmt(raw['sliced_cps'])} | {100 * cps / raw['sliced_cps']:.0f}% | "
            f"{fmt(raw['sorted_cps'])} | {100 * cps / raw['sorted_cps']:.0f}% |"
        )
    return out


def reindex_table(res: dict[str, Any]) -> list[str]:
    out = ["| step | seconds | indexed | unchanged | scan (stat + hash + lookups) | wait for "
           "parser | chunk + embed + commit | find removed | save vectors |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]  # fmt: skip
    labels = [("initial", f"initial index of {res['files']:,} files"),
              ("nochange", "re-index, nothing changed (same engine)"),
              ("changed_one", "re-index after changing one file's content"),
              ("nochange_cold", "re-index, nothing changed (fresh engine, as after a restart)"),
              ("touched_all", "re-index after touching every file's mtime (same bytes)")]  # fmt: skip
    for key, label in labels:
        rep, ph = res[f"{key}_report"], res.get(f"{key}_phases", {})
        work = sum(ph.get(k, 0.0) for k in ("chunk", "embed", "commit"))
        out.append(f"| {label} | {res[f'{key}_s']:.2f} | {rep['files_indexed']:,} | "
                   f"{rep['files_unchanged']:,} | {ph.get('scan', 0):.2f} | "
                   f"{ph.get('wait_parse', 0):.2f} | {work:.2f} | "
                   f"{ph.get('remove_missing', 0):.2f} | {ph.get('save_vectors', 0):.2f} |")  # fmt: skip
    out.append(f"| opening the index (fresh engine) | {res['cold_open_s']:.2f} | | | | | | | |")
    return out


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for dist in ("llama-index-core", "llama-index-readers-file", "llama-index-embeddings-huggingface",
                 "llama-index-vector-stores-faiss", "pypdf", "pymupdf", "onnxruntime", "torch",
                 "sentence-transformers", "faiss-cpu"):  # fmt: skip
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} (not installed)")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="300 SciFact docs, 2 PDFs x 100 pages, 2,000 small files (< 5 min)")  # fmt: skip
    ap.add_argument("--limit", type=int,
                    help=f"SciFact abstracts (default {FULL_SCIFACT}; 0 = all 5,183)")  # fmt: skip
    ap.add_argument("--pdfs", type=int, help=f"report PDFs (default {FULL_PDFS})")
    ap.add_argument("--pages", type=int, help="pages per PDF (default 120)")
    ap.add_argument("--small-files", type=int, help="files in the re-index corpus (default 10,000)")
    ap.add_argument("--batch-size", type=int, default=32, help="embedding batch, both systems")
    ap.add_argument("--raw-sample", type=int, help="chunks for the raw embedder throughput")
    ap.add_argument("--models-dir", type=Path,
                    default=Path(os.environ.get("SOURCEWISE_MODELS_DIR", DEFAULT_MODELS)))  # fmt: skip
    ap.add_argument("--corpora", default="scifact,pdfs,small",
                    help="which parts to run (comma list of scifact, pdfs, small)")  # fmt: skip
    ap.add_argument("--no-llamaindex", action="store_true")
    ap.add_argument("--no-minilm", action="store_true", help="skip the Sourcewise MiniLM rows")
    ap.add_argument("--li-matched", action="store_true",
                    help="also run LlamaIndex with 256/32 chunks (Sourcewise's chunk size)")  # fmt: skip
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-index.md")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument("--render", type=Path, help="re-render --out from a saved --json-out file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("config", nargs="?", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        cfg = json.loads(args.config)
        fn = {"sourcewise": sourcewise_worker, "reindex": reindex_worker}[args.worker]
        print(json.dumps(fn(cfg)))
        return

    if args.render:
        write_markdown(json.loads(args.render.read_text(encoding="utf-8")), args.out)
        return

    quick = args.quick
    limit = args.limit if args.limit is not None else (300 if quick else FULL_SCIFACT)
    limit = limit or None  # --limit 0: all 5,183 abstracts
    pdfs = args.pdfs if args.pdfs is not None else (2 if quick else FULL_PDFS)
    pages = args.pages if args.pages is not None else (100 if quick else 120)
    small = args.small_files if args.small_files is not None else (2000 if quick else 10_000)
    args.raw_sample = args.raw_sample or (128 if quick else 256)
    args.no_net = _no_network_prefix()
    parts = set(args.corpora.split(","))
    began = time.time()

    work = Path(tempfile.mkdtemp(prefix="sw-bench-corpora-"))
    rows: list[Row] = []
    reindex: dict[str, Any] | None = None
    log = lambda msg: print(f"[{time.time() - began:6.0f}s] {msg}", flush=True)  # noqa: E731
    try:
        corpora: list[tuple[str, Path]] = []
        if "scifact" in parts:
            n = _corpora.write_scifact(work / "scifact", limit)
            corpora.append((f"SciFact ({n:,} abstracts, .txt)", work / "scifact"))
        if "pdfs" in parts:
            total = _corpora.write_pdfs(work / "pdfs", pdfs, pages)
            corpora.append((f"Reports ({pdfs} PDFs, {total:,} pages)", work / "pdfs"))
        log(f"corpora written to {work}")
        for name, folder in corpora:
            systems: list[Callable[[], Row]] = [
                partial(run_sourcewise, name, folder, BGE, args, reindex="SciFact" in name)
            ]
            if not args.no_minilm:
                systems.append(partial(run_sourcewise, name, folder, MINILM, args))
            if not args.no_llamaindex:
                systems.append(partial(run_llamaindex, name, folder, args))
                if args.li_matched:
                    systems.append(partial(run_llamaindex, name, folder, args, 256, 32))
            for system in systems:
                row = system()
                rows.append(row)
                log(f"{row.corpus} | {row.system} {row.embedder}: {row.wall_s:.1f}s, "
                    f"{row.chunks} chunks, peak {row.peak_mb:.0f} MB")  # fmt: skip
        if "small" in parts:
            folder = work / "small"
            _corpora.write_small_files(folder, small)
            home = Path(tempfile.mkdtemp(prefix="sw-bench-home-"))
            cfg = {"home": str(home), "models_dir": str(args.models_dir), "model": "hash",
                   "batch_size": args.batch_size, "input": str(folder)}  # fmt: skip
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "reindex",
                   json.dumps(cfg)]  # fmt: skip
            reindex, _ = run_sampled(cmd, worker_env(home), timeout=args.timeout)
            shutil.rmtree(home, ignore_errors=True)
            log(
                f"re-index test done: {json.dumps({k: v for k, v in reindex.items() if k.endswith('_s')})}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    meta = {
        "command": " ".join(["bench/index.py", *sys.argv[1:]]),
        "quick": quick,
        "minutes": (time.time() - began) / 60,
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "memory_gib": psutil.virtual_memory().total / 2**30,
        "batch_size": args.batch_size,
        "versions": versions(),
        "no_network": bool(args.no_net),
        "load_end": os.getloadavg()[0],
    }
    data = {"meta": meta, "rows": [r.__dict__ for r in rows], "reindex": reindex}
    if args.json_out:
        args.json_out.write_text(json.dumps(data, indent=1), encoding="utf-8")
    write_markdown(data, args.out)


def write_markdown(data: dict[str, Any], out: Path) -> None:
    md = render(data)
    print("\n".join(md))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(md) + "\n", encoding="utf-8")


def render(data: dict[str, Any]) -> list[str]:
    meta, reindex = data["meta"], data.get("reindex")
    rows = [Row(**r) for r in data["rows"]]
    batch = meta["batch_size"]
    md = [f"## Indexing throughput{' (--quick)' if meta['quick'] else ''}", "",
          f"`{meta['command']}` on {meta['cores']} cores ({meta['cpu']}), "
          f"{meta['memory_gib']:.0f} GiB, took {meta['minutes']:.1f} min. Embedding batch {batch} "
          f"in both systems. Versions: {meta['versions']}.", ""]  # fmt: skip
    if rows:
        net = ("LlamaIndex ran inside a network namespace with no network at all (`unshare -n`), "
               "so nothing it does can reach out; its NLTK and tiktoken data come from the copies "
               "bundled in llama-index-core. " if meta.get("no_network") else "")  # fmt: skip
        md += ["Wall time excludes imports and model loading (both systems load the model before "
               "the clock starts). CPU s: user+system seconds of the process and its children "
               "(parse workers) over the same window. Peak RSS: sum over the process tree. "
               "A text file counts as one page. *Speed vs LlamaIndex* = LlamaIndex wall ÷ this "
               "row's wall on the same files (= ratio of pages/s), and the same for CPU seconds "
               "(less sensitive to other load). *load*: the machine's 1-minute load average when "
               "the run started (2 cores: above ~2 other work was competing). " + net, "",
               *throughput_table(rows), "",
               "### Where Sourcewise's time goes (main thread, seconds)", "",
               "*wait for parser*: the main thread blocked with nothing parsed to chunk or embed "
               "(the embedder starved; includes spawning the parse worker). *parse in worker*: "
               "parse time summed over worker processes (overlaps with the rest). *embedder "
               "busy*: embed ÷ wall.", "",
               *phase_table(rows), ""]  # fmt: skip
        li = li_phase_table(rows)
        if len(li) > 2:
            md += ["### Where LlamaIndex's time goes (seconds)", "", *li, ""]
        md += ["### How close indexing gets to the embedder's limit", "",
               "The bare embedder on a random sample of the corpus's own chunks (after "
               "indexing, nothing else running in the process).", "", *raw_table(rows, batch),
               ""]  # fmt: skip
        for r in rows:
            if "reindex_nochange_s" in r.extra:
                md.append(f"No-change re-index of {r.corpus} with {r.embedder}: "
                          f"{r.extra['reindex_nochange_s']:.2f} s "
                          f"({r.extra['reindex_nochange_unchanged']:,} files unchanged).")  # fmt: skip
        md.append("")
    if reindex:
        md += ["### Re-indexing (small-files corpus)", "",
               f"{reindex['files']:,} small .txt notes (1–3 paragraphs) in folders of 100. "
               f"Embedder: `{reindex['model']}` (the built-in hash embedder) for the initial "
               "index and every re-index, so the numbers measure the pipeline's change detection, "
               "not the model. After the one-file change: "
               f"{reindex['orphan_blobs_after_change']} orphaned content blob(s) left in the "
               f"database; FAISS holds {reindex['vectors_after_change']:,} vectors for "
               f"{reindex['live_chunks_after_change']:,} live chunks.", "",
               *reindex_table(reindex), ""]  # fmt: skip
    return md


if __name__ == "__main__":
    main()
