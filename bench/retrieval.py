"""Retrieval quality and latency on SciFact (300 test queries), beside published numbers.

Systems: BM25 (FTS5), dense (each embedder), hybrid (RRF of dense + BM25), hybrid + rerank
(cross-encoder on the top candidates), and the rerank quality-vs-latency curve over candidate
count and passage truncation. Metrics from pytrec_eval. Prints Markdown tables.

    python bench/retrieval.py [--queries N] [--out docs/benchmarks-retrieval.md]
    python bench/retrieval.py --corpus lookalike [--library DIR] [--quick]  (bench/lookalike.py)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pytrec_eval

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scifact

from sourcewise.core.retrieve import fusion
from sourcewise.core.retrieve.rerank import CrossEncoderReranker
from sourcewise.core.retrieve.search import Searcher
from sourcewise.core.settings import RetrievalSettings, Settings
from sourcewise.core.types import SearchFilters

Run = dict[str, dict[str, float]]
PUBLISHED = {
    "BM25": "0.665 (BEIR) / 0.679 (Anserini), R@100 0.925",
    "dense all-minilm-l6-v2": "0.645 (MTEB)",
    "dense bge-small-en": "0.713 (bge-small-en-v1.5, MTEB)",
    "hybrid": "0.717 (BM25 + MiniLM, RRF, measured here before)",
    "hybrid + rerank": "0.688 (BM25 + MiniLM CE, BEIR)",
}


def evaluate(run: Run, qrels: dict[str, dict[str, int]]) -> tuple[float, float]:
    ev = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recall.100"})
    res = ev.evaluate(run)
    ndcg = statistics.fmean(r["ndcg_cut_10"] for r in res.values())
    rec = statistics.fmean(r["recall_100"] for r in res.values())
    return ndcg, rec


def chunk_docs(searcher: Searcher) -> dict[int, list[str]]:
    rows = searcher.index.db.execute(
        "SELECT ch.id, d.path FROM chunks ch JOIN documents d ON d.blob_id = ch.blob_id"
    ).fetchall()
    out: dict[int, list[str]] = {}
    for cid, path in rows:
        out.setdefault(int(cid), []).append(_scifact.doc_id(path))
    return out


def to_docs(
    scores: list[tuple[int, float]], docs_of: dict[int, list[str]], n: int = 100
) -> dict[str, float]:
    """Chunk scores (best first) to document scores: a document scores its best chunk."""
    out: dict[str, float] = {}
    for cid, score in scores:
        for did in docs_of.get(cid, []):
            if did not in out:
                out[did] = score
        if len(out) >= n:
            break
    return out


def ranked(d: dict[int, float]) -> list[tuple[int, float]]:
    return sorted(d.items(), key=lambda kv: kv[1], reverse=True)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def run_first_stage(
    searcher: Searcher, queries: dict[str, str], docs_of: dict[int, list[str]], n: int
) -> dict[str, object]:
    """BM25, dense and both fusions per query, with ``n`` candidates from each list (the
    product's ``retrieval.candidates``)."""
    systems = ("bm25", "dense", "rrf", "convex")
    runs: dict[str, Run] = {s: {} for s in systems}
    lat: dict[str, list[float]] = {s: [] for s in systems}
    lists: dict[str, tuple[dict[int, float], dict[int, float]]] = {}
    fused: dict[str, fusion.Ranked] = {}
    for qid, text in queries.items():
        t0 = time.perf_counter()
        kw = searcher.keyword(text, n, None)
        t1 = time.perf_counter()
        dn = searcher.dense(text, n, None)
        t2 = time.perf_counter()
        by_rank = fusion.fuse("rrf", dn, kw, (1.0, 1.0), 60)
        t3 = time.perf_counter()
        by_score = fusion.fuse("convex", dn, kw, (1.0, 1.0), 60)
        t4 = time.perf_counter()
        runs["bm25"][qid] = to_docs(ranked(kw), docs_of)
        runs["dense"][qid] = to_docs(ranked(dn), docs_of)
        runs["rrf"][qid] = to_docs(by_rank, docs_of)
        runs["convex"][qid] = to_docs(by_score, docs_of)
        lists[qid] = (dn, kw)
        fused[qid] = by_score
        lat["bm25"].append((t1 - t0) * 1000)
        lat["dense"].append((t2 - t1) * 1000)
        lat["rrf"].append((t3 - t0) * 1000)
        lat["convex"].append((t2 - t0 + t4 - t3) * 1000)
    return {"runs": runs, "lat": lat, "lists": lists, "fused": fused}


def weight_sweep(lists: dict[str, tuple[dict[int, float], dict[int, float]]],
                 docs_of: dict[int, list[str]], qrels: dict[str, dict[str, int]]) -> list[str]:  # fmt: skip
    """nDCG@10 of convex fusion over the dense share (the keyword share is 1 minus it)."""
    out = ["", "Convex fusion, dense share of the weight:", "",
           "| dense share | 0.3 | 0.4 | 0.5 | 0.6 | 0.7 |", "|---|---|---|---|---|---|"]  # fmt: skip
    cells = []
    for share in (0.3, 0.4, 0.5, 0.6, 0.7):
        run = {q: to_docs(fusion.fuse("convex", dn, kw, (share, 1 - share), 60), docs_of)
               for q, (dn, kw) in lists.items()}  # fmt: skip
        cells.append(f"{evaluate(run, qrels)[0]:.3f}")
    out.append("| nDCG@10 | " + " | ".join(cells) + " |")
    return out


def rerank_runs(
    searcher: Searcher,
    reranker: CrossEncoderReranker,
    queries: dict[str, str],
    fused: dict[str, fusion.Ranked],
    depth: int,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """Cross-encoder scores of the top ``depth`` fused chunks per query, and per-query time."""
    texts = dict(searcher.index.db.execute("SELECT id, text FROM chunks").fetchall())
    scores: dict[str, np.ndarray] = {}
    times: list[float] = []
    for qid, text in queries.items():
        cand = [cid for cid, _ in fused[qid][:depth]]
        t0 = time.perf_counter()
        scores[qid] = reranker.score(text, [texts[c] for c in cand])
        times.append((time.perf_counter() - t0) * 1000)
    return scores, times


def combine(
    fused: fusion.Ranked, ce: np.ndarray, n: int, docs_of: dict[int, list[str]], weight: float
) -> dict[str, float]:
    """The top n reordered as the product does it: ``fusion.blend`` of CE and fused scores."""
    head = fused[:n]
    final = fusion.blend(ce[: len(head)], [s for _, s in head], weight)
    order = sorted(range(len(head)), key=lambda i: -float(final[i]))
    rescored = [(head[i][0], 1000.0 + float(final[i])) for i in order]
    return to_docs(rescored + fused[n:], docs_of)


def main() -> None:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--corpus", choices=("scifact", "lookalike"), default="scifact")
    known, rest = pre.parse_known_args()
    if known.corpus == "lookalike":  # the look-alike report library: bench/lookalike.py
        import lookalike

        lookalike.main(rest)
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", choices=("scifact", "lookalike"), default="scifact",
                    help="lookalike: see bench/lookalike.py --help for its options")  # fmt: skip
    ap.add_argument(
        "--split", default="test", help="SciFact qrels split: test (300) or train (809)"
    )
    ap.add_argument("--queries", type=int, default=0, help="limit queries (0 = all)")
    ap.add_argument("--embedders", default="bge-small-en,all-minilm-l6-v2")
    ap.add_argument("--depths", default="5,10,20,30")
    ap.add_argument("--truncations", default="256")
    ap.add_argument("--weights", default="0.2,0.3,0.4,0.5,0.7,1.0", help="rerank blend weights")
    ap.add_argument("--no-rerank", action="store_true", help="first-stage systems only")
    ap.add_argument("--shipped-depths", default="5,10", help="rerank depths of the as-shipped rows")
    ap.add_argument("--timing-queries", type=int, default=40, help="queries timed per rerank depth")
    ap.add_argument("--out", type=Path, default=Path("bench/results/retrieval.md"))
    args = ap.parse_args()
    models_dir = Path(os.environ.get("SOURCEWISE_MODELS_DIR", "models")).resolve()
    corpus, queries, qrels = _scifact.load(split=args.split)
    if args.queries:
        queries = dict(list(queries.items())[: args.queries])
    qrels = {q: qrels[q] for q in queries}
    docs = _scifact.write_docs(corpus, _scifact.CACHE / "docs")
    lines = [f"SciFact {args.split}: {len(queries)} queries, {len(corpus)} documents. "
             "nDCG@10 and Recall@100 by pytrec_eval; latency per query on this machine.", "",
             "| system | nDCG@10 | R@100 | p50 ms | p95 ms | published nDCG@10 |", "|---|---|---|---|---|---|"]  # fmt: skip
    best: dict[str, object] = {}
    for name in args.embedders.split(","):
        engine = _scifact.engine_for(name, models_dir)
        engine.library.index([docs])
        searcher = Searcher(engine.settings, engine._parts.store, engine._parts.embedder, None)
        docs_of = chunk_docs(searcher)
        searcher.dense("warm up", 1, None)
        stage = run_first_stage(searcher, queries, docs_of, engine.settings.retrieval.candidates)
        lines += stage_rows(name, stage, qrels, first=not best)
        ndcg = evaluate(stage["runs"]["convex"], qrels)[0]  # type: ignore[index]
        if not best or ndcg > best["ndcg"]:  # type: ignore[operator]
            best = {
                "ndcg": ndcg,
                "name": name,
                "searcher": searcher,
                "stage": stage,
                "docs_of": docs_of,
            }
    lines += weight_sweep(best["stage"]["lists"], best["docs_of"], qrels)  # type: ignore[index,arg-type]
    if not args.no_rerank:
        lines += rerank_section(best, queries, qrels, models_dir, args)
    text = "\n".join(lines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")


def stage_rows(name: str, stage: dict[str, object], qrels: dict[str, dict[str, int]], first: bool) -> list[str]:  # fmt: skip
    runs: dict[str, Run] = stage["runs"]  # type: ignore[assignment]
    lat: dict[str, list[float]] = stage["lat"]  # type: ignore[assignment]
    labels = {"bm25": ("BM25", PUBLISHED["BM25"]),
              "dense": (f"dense {name}", PUBLISHED.get(f"dense {name}", "")),
              "rrf": (f"hybrid {name} + BM25, RRF k=60", PUBLISHED["hybrid"]),
              "convex": (f"hybrid {name} + BM25, convex z-score (default)", "")}  # fmt: skip
    out = []
    for system in (["bm25"] if first else []) + ["dense", "rrf", "convex"]:
        label, pub = labels[system]
        ndcg, rec = evaluate(runs[system], qrels)
        out.append(f"| {label} | {ndcg:.3f} | {rec:.3f} | {pct(lat[system], 50):.1f} | "
                   f"{pct(lat[system], 95):.1f} | {pub} |")  # fmt: skip
        print(out[-1], file=sys.stderr, flush=True)
    return out


def rerank_section(best: dict[str, object], queries: dict[str, str], qrels: dict[str, dict[str, int]],
                   models_dir: Path, args: argparse.Namespace) -> list[str]:  # fmt: skip
    searcher: Searcher = best["searcher"]  # type: ignore[assignment]
    stage: dict[str, object] = best["stage"]  # type: ignore[assignment]
    fused: dict[str, fusion.Ranked] = stage["fused"]  # type: ignore[assignment]
    docs_of: dict[int, list[str]] = best["docs_of"]  # type: ignore[assignment]
    first_lat: list[float] = stage["lat"]["convex"]  # type: ignore[index]
    depths = [int(d) for d in args.depths.split(",")]
    weights = [float(w) for w in args.weights.split(",")]
    out = ["", f"Rerank on hybrid ({best['name']} + BM25, convex): cross-encoder ms-marco-MiniLM-L-12-v2 INT8 ONNX, "
           "pairs sorted by length, padded per batch. Final order = w * z(cross-encoder) + (1 - w) * z(fused); "
           "w = 1.0 is the cross-encoder's order alone; the default is w = 0.4.", "",
           "| candidates | passage tokens | " + " | ".join(f"nDCG@10 w={w:g}" for w in weights)
           + " | rerank p50 ms | rerank p95 ms |", "|---|---|" + "---|" * (len(weights) + 2)]  # fmt: skip
    timing_queries = dict(list(queries.items())[: args.timing_queries])
    for trunc in [int(t) for t in args.truncations.split(",")]:
        reranker = CrossEncoderReranker(lambda: models_dir / "ms-marco-minilm-l12",
                                        RetrievalSettings(rerank_max_tokens=trunc))  # fmt: skip
        reranker.score("warm up", ["warm up"])
        # Quality: score the deepest candidate list once; a shallower list is its prefix.
        scores, _ = rerank_runs(searcher, reranker, queries, fused, max(depths))
        for depth in depths:
            # Latency: measured for real at each depth, on a subset of the queries.
            _, times = rerank_runs(searcher, reranker, timing_queries, fused, depth)
            cells = []
            for w in weights:
                run = {q: combine(fused[q], scores[q][:depth], depth, docs_of, w) for q in queries}
                cells.append(f"{evaluate(run, qrels)[0]:.3f}")
            out.append(f"| {depth} | {trunc} | " + " | ".join(cells)
                       + f" | {pct(times, 50):.0f} | {pct(times, 95):.0f} |")  # fmt: skip
            print(out[-1], file=sys.stderr, flush=True)
    out += as_shipped(searcher, reranker, queries, qrels, docs_of,
                      [int(d) for d in args.shipped_depths.split(",") if d])  # fmt: skip
    out.append("")
    out.append(
        f"First stage (BM25 + dense + convex fusion) p50 {pct(first_lat, 50):.1f} ms, p95 {pct(first_lat, 95):.1f} ms."
    )
    return out


def as_shipped(searcher: Searcher, reranker: CrossEncoderReranker, queries: dict[str, str],
               qrels: dict[str, dict[str, int]], docs_of: dict[int, list[str]],
               depths: list[int]) -> list[str]:  # fmt: skip
    """The product's own ``Searcher.search`` end to end (query embedding, both searches, fusion,
    rerank, with 3 candidates when dense and BM25 agree), at the default settings except the
    rerank depth, which is varied."""
    out = ["", "As shipped: `Searcher.search` with the default settings, end to end including "
           "the query embedding, at each rerank depth (the default is marked):", "",
           "| rerank candidates | nDCG@10 | R@100 | p50 ms | p95 ms |", "|---|---|---|---|---|"]  # fmt: skip
    if not depths:
        return []
    default = Settings(home=Path("/nonexistent")).retrieval.rerank_candidates
    for depth in depths:
        settings = Settings(home=Path("/nonexistent"), retrieval={"rerank_candidates": depth})
        shipped = Searcher(settings, searcher.index, searcher.embedder, reranker)
        run: Run = {}
        times: list[float] = []
        for qid, text in queries.items():
            t0 = time.perf_counter()
            hits = shipped.search(text, 100, SearchFilters())
            times.append((time.perf_counter() - t0) * 1000)
            run[qid] = to_docs([(h.chunk_id, 1000.0 - h.rank) for h in hits], docs_of)
        ndcg, rec = evaluate(run, qrels)
        mark = " (default)" if depth == default else ""
        out.append(
            f"| {depth}{mark} | {ndcg:.3f} | {rec:.3f} | {pct(times, 50):.0f} | {pct(times, 95):.0f} |"
        )
        print(out[-1], file=sys.stderr, flush=True)
    return out


if __name__ == "__main__":
    main()
