"""First-stage retrieval latency on synthetic corpora of 100k and 1M chunks, on the SQLite +
FAISS library and on the PostgreSQL + pgvector one, through the stores' and the engine's own
search code: "dense" is the store's ``vectors.search`` alone, "first stage" the Searcher's
(dense + keyword + fusion + hit loading, no rerank). Both backends hold the same chunks and
answer the same queries (bench/_synthetic.py); recall@10 (the top 10 of the candidates the
product asks for) is against an exact scan in numpy.
Query embedding time is reported separately, measured with the real default embedder.
The commonest synthetic words occur in nearly every chunk and no stopword list drops them, so
PostgreSQL's ``ts_rank`` ranks almost the whole table per query: expect keyword search, not
dense search, to dominate its first stage at large sizes (21 of 39 ms at 10k).

Loading is a bulk path on both, not the indexer's per-file commits: SQLite gets direct INSERTs
and one FAISS build at the end; PostgreSQL gets COPY into the migrations' tables and one HNSW
build at the end (bench/_latency_pg.py says why). "build s" is that load plus index build.
Corpora are cached in bench/results (PostgreSQL: a pgserver data folder there, one schema per
size, or ``--pg-url``'s server); a cached one reports the build time it took when made.

    python bench/latency.py [--backend faiss|postgres|both] [--chunks 100000,1000000]
                            [--queries 200] [--exact-limit N] [--pg-url postgresql://...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import _latency_pg as pg
import numpy as np
from _synthetic import (
    DIM,
    DOC_CHUNKS,
    WORDS,
    block_texts,
    block_vectors,
    blocks,
    exact_top,
    queries,
)

from sourcewise.core.retrieve.search import Searcher
from sourcewise.core.settings import Settings
from sourcewise.core.store.protocol import Store
from sourcewise.core.store.rows import FloatArray
from sourcewise.core.store.sqlite_store import SqliteStore
from sourcewise.core.testing import HashEmbedder
from sourcewise.core.types import SearchFilters

RESULTS = Path(__file__).resolve().parent / "results"
BUILD_TIMES = RESULTS / "latency-build-seconds.json"
KINDS = {"flat": "exact", "ivf": "IVF", "hnsw": "HNSW"}
WARM_UP = 5  # queries run before timing: the first ones page the index in


class FixedDim(HashEmbedder):
    """Only its dimension and name matter: vectors are inserted directly."""

    def __init__(self) -> None:
        super().__init__(dim=DIM)

    @property
    def name(self) -> str:
        return "synthetic-384"


# -- SQLite + FAISS -----------------------------------------------------------------------------
def build_sqlite(n: int, home: Path, exact_limit: int) -> SqliteStore:
    settings = Settings(home=home, models_dir=home / "m", index={"exact_search_limit": exact_limit})
    index = SqliteStore.open(settings, FixedDim())
    have = int(index.db.execute("SELECT count(*) FROM chunks").fetchone()[0])
    if have >= n:
        if index.vectors.kind != index.vectors.kind_for(index.vectors.ntotal):
            index.rebuild_vectors()  # cached under another --exact-limit
        return index
    cid = index.content.collection_id("synthetic") or 0
    for start, count in blocks(n, have):
        _insert(index, cid, start, block_texts(start)[:count], block_vectors(start)[:count])
        print(f"  inserted {start + count}/{n}", file=sys.stderr, flush=True)
    index.rebuild_vectors()
    index.save_vectors()
    index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the disk size counts the database
    return index


def _insert(index: SqliteStore, cid: int, start: int, texts: list[str], vecs: FloatArray) -> None:
    db = index.db
    with db.conn:
        for first in range(0, len(texts), DOC_CHUNKS):
            d = (start + first) // DOC_CHUNKS
            part = texts[first : first + DOC_CHUNKS]
            db.execute(
                "INSERT INTO blobs(id, sha256, size, file_type, chunk_count, embed_model) "
                "VALUES (?, ?, 0, 'txt', ?, 'synthetic-384')", [d + 1, f"synthetic-{d}", len(part)],
            )  # fmt: skip
            db.execute(
                "INSERT INTO documents(id, collection_id, path, folder, file_type, size, mtime, "
                "sha256, blob_id, status, indexed_at) VALUES (?, ?, ?, '/synthetic', 'txt', 0, "
                "0, ?, ?, 'indexed', 0)", [d + 1, cid, f"/synthetic/doc{d}.txt", f"synthetic-{d}", d + 1],
            )  # fmt: skip
            ids = range(start + first + 1, start + first + len(part) + 1)
            db.conn.executemany(
                'INSERT INTO chunks(id, blob_id, ord, text, heading, start, "end", tokens) '
                "VALUES (?, ?, ?, ?, '', 0, 0, ?)",
                [
                    (chunk, d + 1, i, t, WORDS)
                    for i, (chunk, t) in enumerate(zip(ids, part, strict=True))
                ],
            )
            db.conn.executemany(
                "INSERT INTO vectors(chunk_id, vec) VALUES (?, ?)",
                [(chunk, vecs[chunk - start - 1].tobytes()) for chunk in ids],
            )
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# -- the backends, built (or found cached) and measured alike ----------------------------------
@contextlib.contextmanager
def opened(backend: str, n: int, args: argparse.Namespace) -> Iterator[tuple[Store, int, float]]:
    """The store of ``n`` chunks on ``backend``, its size on disk and its build seconds."""
    if backend == "faiss":
        home = RESULTS / f"latency-faiss-{n}"
        index, seconds = _timed(f"faiss-{n}", lambda: build_sqlite(n, home, args.exact_limit))
        try:
            yield index, _folder_bytes(home), seconds
        finally:
            index.close()
        return
    with pg.server(RESULTS / "latency-pg", args.pg_url) as url:
        store = pg.PostgresStore.open(
            pg.schema_url(url, f"latency_{n}"), FixedDim(), args.exact_limit
        )
        try:
            _, seconds = _timed(f"postgres-{n}", lambda: pg.build(store, n))
            yield store, pg.disk_bytes(store), seconds
        finally:
            store.close()


def _timed(key: str, build: Callable[[], Any]) -> tuple[Any, float]:
    """``build()``'s result and seconds; a build that found its corpus cached (under a second)
    reports the seconds recorded when the corpus was made."""
    t0 = time.perf_counter()
    result = build()
    seconds = time.perf_counter() - t0
    known = json.loads(BUILD_TIMES.read_text()) if BUILD_TIMES.exists() else {}
    if seconds > 1 or key not in known:
        known[key] = seconds
        BUILD_TIMES.write_text(json.dumps(known, indent=1))
    return result, float(known[key])


def measure(
    store: Store, qvecs: FloatArray, texts: list[str], exact: list[set[int]]
) -> dict[str, float]:
    """Per-query milliseconds of dense search and of the whole first stage, and recall@10."""
    searcher = Searcher(Settings(home=Path("/nonexistent"), retrieval={"rerank": False}),
                        store, FixedDim(), None)  # fmt: skip
    n = max(searcher.cfg.candidates, searcher.cfg.k)  # what first_stage asks the store for
    for qv, text in zip(qvecs[:WARM_UP], texts, strict=False):
        searcher.first_stage(text, qv, searcher.cfg.k, SearchFilters())
    dense, first = [], []
    for qv, text in zip(qvecs, texts, strict=True):
        t0 = time.perf_counter()
        store.vectors.search(qv, n)
        t1 = time.perf_counter()
        searcher.first_stage(text, qv, searcher.cfg.k, SearchFilters())  # the product's path
        t2 = time.perf_counter()
        dense.append((t1 - t0) * 1000)
        first.append((t2 - t1) * 1000)
    # The top 10 of the candidate search the product runs (n candidates: the HNSW scan's
    # ef_search follows n), not of a 10-wide search the product never makes.
    found = [set(store.vectors.search(qv, n)[0][:10].tolist()) for qv in qvecs[: len(exact)]]
    recall = np.mean([len(f & e) / 10 for f, e in zip(found, exact, strict=True)])
    return {"dense50": float(np.percentile(dense, 50)), "dense95": float(np.percentile(dense, 95)),
            "first50": float(np.percentile(first, 50)), "first95": float(np.percentile(first, 95)),
            "recall": float(recall)}  # fmt: skip


def query_embedding_ms(models_dir: Path) -> float:
    from sourcewise.core.embed.onnx import OnnxEmbedder
    from sourcewise.core.settings import EmbedSettings

    emb = OnnxEmbedder("bge-small-en", DIM, lambda: models_dir / "bge-small-en", EmbedSettings())
    emb.embed_query("warm up")
    times = []
    for q in ["what is the retention period for backups", "solar panel efficiency in winter",
              "who approves travel expenses over 500 euros", "side effects of statins"] * 10:  # fmt: skip
        t0 = time.perf_counter()
        emb.embed_query(q)
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.percentile(times, 50))


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", choices=["faiss", "postgres", "both"], default="faiss")
    ap.add_argument("--chunks", "--sizes", dest="chunks", default="100000,1000000",
                    help="corpus sizes, comma-separated (10000 for a smoke run)")  # fmt: skip
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--exact-limit", type=int, default=Settings().index.exact_search_limit,
                    help="index.exact_search_limit: above it FAISS uses IVF and PostgreSQL HNSW "
                    "(default: the product's); e.g. 1000 to time the ANN at 10k chunks")  # fmt: skip
    ap.add_argument("--pg-url", help="an existing server with pgvector instead of pgserver's")
    args = ap.parse_args()
    args.sizes = [int(s) for s in args.chunks.split(",")]
    if min(args.sizes) < args.queries:
        ap.error("--chunks must be at least --queries (queries are drawn from stored chunks)")
    return args


def main() -> None:
    args = _args()
    backends = ["faiss", "postgres"] if args.backend == "both" else [args.backend]
    RESULTS.mkdir(parents=True, exist_ok=True)
    lines = ["| backend | chunks | ANN | build s | disk MB | dense p50 ms | dense p95 ms "
             "| first stage p50 ms | first stage p95 ms | recall@10 vs exact | goal p50 |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for n in args.sizes:
        qvecs, texts = queries(n, args.queries)
        exact = exact_top(n, qvecs[:50])
        goal = "< 30 ms" if n <= 100_000 else "< 100 ms"
        for backend in backends:
            with opened(backend, n, args) as (store, size, seconds):
                kind = KINDS.get(store.vectors.kind, store.vectors.kind)
                print(f"[{backend} {n}] ready ({kind}), measuring", file=sys.stderr, flush=True)
                m = measure(store, qvecs, texts, exact)
            lines.append(
                f"| {backend} | {n:,} | {kind} | {seconds:.0f} | {size / 2**20:,.0f} "
                f"| {m['dense50']:.1f} | {m['dense95']:.1f} | {m['first50']:.1f} "
                f"| {m['first95']:.1f} | {m['recall']:.3f} | {goal} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    models_dir = Path(os.environ.get("SOURCEWISE_MODELS_DIR", "models")).resolve()
    if (models_dir / "bge-small-en").exists():
        lines.append("")
        lines.append(
            f"Query embedding (bge-small-en, ONNX, short query): p50 {query_embedding_ms(models_dir):.1f} ms."
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
