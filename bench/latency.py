"""First-stage retrieval latency (dense + BM25 + fusion + hit loading, no rerank) on synthetic
corpora of 100k and 1M chunks, through the engine's own Searcher and index classes.

Text is Zipf-distributed words (so BM25 posting lists look like real ones); vectors are drawn
around 2,000 cluster centres (so IVF partitions look like real ones). Query embedding time is
reported separately, measured with the real default embedder.

    python bench/latency.py [--sizes 100000,1000000] [--queries 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from sourcewise.core.retrieve.search import Searcher
from sourcewise.core.settings import Settings
from sourcewise.core.store.index import Index
from sourcewise.core.testing import HashEmbedder
from sourcewise.core.types import SearchFilters

RESULTS = Path(__file__).resolve().parent / "results"
DIM = 384
VOCAB = [f"w{i}" for i in range(50_000)]


class FixedDim(HashEmbedder):
    """Only its dimension and name matter: vectors are inserted directly."""

    def __init__(self) -> None:
        super().__init__(dim=DIM)

    @property
    def name(self) -> str:
        return "synthetic-384"


def _words(rng: np.random.Generator, n: int) -> list[str]:
    ranks = np.minimum(rng.zipf(1.2, size=n), len(VOCAB)) - 1
    return [VOCAB[r] for r in ranks]


def build(n: int, home: Path) -> Index:
    settings = Settings(home=home, models_dir=home / "m")
    index = Index.open(settings, FixedDim())
    have = int(index.db.execute("SELECT count(*) FROM chunks").fetchone()[0])
    if have >= n:
        return index
    rng = np.random.default_rng(n)
    centres = rng.normal(size=(2000, DIM)).astype(np.float32)
    cid = index.content.collection_id("synthetic") or 0
    step = 10_000
    for start in range(have, n, step):
        rows, vecs = [], []
        for i in range(start, min(n, start + step)):
            rows.append(" ".join(_words(rng, 40)))
            v = centres[i % 2000] + rng.normal(scale=0.6, size=DIM).astype(np.float32)
            vecs.append(v / np.linalg.norm(v))
        _insert(index, cid, start, rows, np.asarray(vecs, dtype=np.float32))
        print(f"  built {start + len(rows)}/{n}", file=sys.stderr, flush=True)
    index.rebuild_vectors()
    index.save_vectors()
    return index


def _insert(index: Index, cid: int, start: int, texts: list[str], vecs: np.ndarray) -> None:
    db = index.db
    with db.conn:
        cur = db.execute(
            "INSERT INTO blobs(sha256, size, file_type, chunk_count, embed_model) "
            "VALUES (?, 0, 'txt', ?, 'synthetic-384')", [f"synthetic-{start}", len(texts)],
        )  # fmt: skip
        blob = int(cur.lastrowid or 0)
        db.execute(
            "INSERT INTO documents(collection_id, path, folder, file_type, size, mtime, sha256, "
            "blob_id, status, indexed_at) VALUES (?, ?, '/synthetic', 'txt', 0, 0, ?, ?, "
            "'indexed', 0)", [cid, f"/synthetic/doc{start}.txt", f"synthetic-{start}", blob],
        )  # fmt: skip
        first = start + 1
        db.conn.executemany(
            'INSERT INTO chunks(id, blob_id, ord, text, heading, start, "end", tokens) '
            "VALUES (?, ?, ?, ?, '', 0, 0, 40)",
            [(first + i, blob, i, t) for i, t in enumerate(texts)],
        )
        db.conn.executemany(
            "INSERT INTO vectors(chunk_id, vec) VALUES (?, ?)",
            [(first + i, v.tobytes()) for i, v in enumerate(vecs)],
        )
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")


def measure(index: Index, queries: int) -> dict[str, float]:
    """First-stage latency per query, and the ANN's recall@10 against exact search."""
    rng = np.random.default_rng(7)
    searcher = Searcher(Settings(home=Path("/nonexistent"), retrieval={"rerank": False}),
                        index, FixedDim(), None)  # fmt: skip
    qvecs = _queries(index, rng, queries)
    times: list[float] = []
    for qv in qvecs:
        text = " ".join(_words(rng, 8))
        t0 = time.perf_counter()
        searcher.first_stage(text, qv, searcher.cfg.k, SearchFilters())  # the product's own path
        times.append((time.perf_counter() - t0) * 1000)
    found = [np.fromiter(searcher.dense(qv, 10, None), dtype=np.int64) for qv in qvecs[:50]]
    return {"p50": float(np.percentile(times, 50)), "p95": float(np.percentile(times, 95)),
            "recall": _ann_recall(index, qvecs[:50], found)}  # fmt: skip


def _queries(index: Index, rng: np.random.Generator, n: int) -> np.ndarray:
    """Stored vectors plus noise: queries land near real data, as real queries do."""
    total = index.vectors.ntotal
    ids = [int(i) for i in rng.choice(np.arange(1, total + 1), size=n, replace=False)]
    base = index.vectors_for(ids)
    out = np.stack([base[i] + rng.normal(scale=0.02, size=DIM).astype(np.float32) for i in ids])
    return np.asarray(out / np.linalg.norm(out, axis=1, keepdims=True), dtype=np.float32)


def _ann_recall(index: Index, qvecs: np.ndarray, found: list[np.ndarray]) -> float:
    """Share of the exact top 10 that the index returned (1.0 for the flat index)."""
    import faiss

    if index.vectors.kind == "flat":
        return 1.0
    ids, vecs = index.all_vectors()
    exact = faiss.IndexFlatIP(DIM)
    exact.add(vecs)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    _, rows = exact.search(qvecs, 10)
    hits = [
        len(set(ids[r].tolist()) & set(f.tolist())) / 10 for r, f in zip(rows, found, strict=True)
    ]
    return float(np.mean(hits))


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    lines = ["| chunks | ANN | recall@10 vs exact | p50 ms | p95 ms | goal p50 |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for n in (int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        index = build(n, RESULTS / f"synthetic-{n}")
        print(
            f"[{n}] ready in {time.perf_counter() - t0:.0f}s ({index.vectors.kind})",
            file=sys.stderr,
        )
        m = measure(index, args.queries)
        goal = "< 30 ms" if n <= 100_000 else "< 100 ms"
        lines.append(
            f"| {n:,} | {index.vectors.kind} | {m['recall']:.3f} | {m['p50']:.1f} | {m['p95']:.1f} | {goal} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
        index.close()
    models_dir = Path(os.environ.get("SOURCEWISE_MODELS_DIR", "models")).resolve()
    if (models_dir / "bge-small-en").exists():
        lines.append("")
        lines.append(
            f"Query embedding (bge-small-en, ONNX, short query): p50 {query_embedding_ms(models_dir):.1f} ms."
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
