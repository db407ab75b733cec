"""SciFact retrieval on both stores: SQLite + FAISS and PostgreSQL + pgvector must rank alike.

    .venv/bin/python bench/store_parity.py [--queries 0] [--pg-url postgresql://...]

The 5,183 SciFact abstracts (one Markdown file each) are indexed with the shipped defaults
through the engine facade twice — once into a fresh SQLite data directory, once into a fresh
schema of a PostgreSQL server (``--pg-url``, else a throwaway one from the ``pgserver`` wheel) —
and the test queries are searched through ``Engine.search`` (hybrid + cross-encoder rerank, as
shipped). Prints nDCG@10 and Recall@100 (pytrec_eval) and indexing time per backend, side by
side in one run. Run it alone on the machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _latency_pg
import _scifact
from retrieval import evaluate

from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings


def run_backend(name: str, home: Path, docs: Path, queries: dict[str, str],
                qrels: dict[str, dict[str, int]],
                store: dict[str, Any]) -> tuple[float, float, float]:  # fmt: skip
    settings = Settings(home=home, store=store, index={"parse_mode": "thread"})
    engine = build_engine(settings, chat_model=None)
    t0 = time.perf_counter()
    engine.library.index([docs])
    index_s = time.perf_counter() - t0
    run: dict[str, dict[str, float]] = {}
    for qid, text in queries.items():
        hits = engine.library.search(text, 100)
        scores: dict[str, float] = {}
        for h in hits:
            did = _scifact.doc_id(h.path)
            scores.setdefault(did, float(len(hits) - h.rank))
        run[qid] = scores
    engine.close()
    print(f"  {name}: indexed in {index_s:.0f} s", file=sys.stderr)
    ndcg, recall = evaluate(run, {q: qrels[q] for q in run})
    return index_s, ndcg, recall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", type=int, default=0, help="limit queries (0 = all)")
    ap.add_argument("--pg-url", default=None)
    ap.add_argument("--backends", default="sqlite,postgres", help="which stores to run")
    args = ap.parse_args()
    corpus, queries, qrels = _scifact.load()
    if args.queries:
        queries = dict(list(queries.items())[: args.queries])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        docs = _scifact.write_docs(corpus, Path(tmp) / "docs")
        if "sqlite" in args.backends:
            rows.append(("sqlite + faiss", *run_backend("sqlite", Path(tmp) / "sqlite", docs,
                                                        queries, qrels, {"backend": "sqlite"})))  # fmt: skip
        if "postgres" not in args.backends:
            _print(rows, queries, corpus)
            return 0
        with _latency_pg.server(Path(tmp) / "pg", args.pg_url) as url:
            schema = _latency_pg.schema_url(url, "store_parity", fresh=True)
            rows.append(("postgres + pgvector", *run_backend(
                "postgres", Path(tmp) / "pg-home", docs, queries, qrels,
                {"backend": "postgres", "url": schema})))  # fmt: skip
    _print(rows, queries, corpus)
    return 0


def _print(rows: list[tuple[str, float, float, float]], queries: dict[str, str],
           corpus: dict[str, Any]) -> None:  # fmt: skip
    print(f"SciFact test, {len(queries)} queries, {len(corpus)} abstracts, shipped defaults\n")
    print("| store | index (s) | nDCG@10 | Recall@100 |")
    print("|---|---|---|---|")
    for name, index_s, ndcg, rec in rows:
        print(f"| {name} | {index_s:.0f} | {ndcg:.4f} | {rec:.4f} |")


if __name__ == "__main__":
    sys.exit(main())
