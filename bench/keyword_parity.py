"""Keyword search alone on SciFact, on both stores: SQLite's FTS5 BM25 against PostgreSQL's.

    .venv/bin/python bench/keyword_parity.py [--split train|test] [--pg-url URL]

Isolates the keyword side that ``bench/store_parity.py`` measures inside the whole pipeline:
each SciFact abstract is committed as one chunk (title as its heading) through each store's
own ``content`` writes (hash vectors: dense search is not used), and every query runs through
the product's ``KeywordSearch`` (stopwords, the postings budget) over ``store.keywords``.
Rows: FTS5 ``bm25()``; PostgreSQL's BM25 (``store/postgres/bm25.py``, shipped); and, for the
record, PostgreSQL's own ``ts_rank`` over the same tsvectors (what the store used before).
Tune on ``--split train``; the test split is for the table.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import _latency_pg
import _scifact

from sourcewise.core.retrieve.keyword import KeywordSearch
from sourcewise.core.settings import Settings
from sourcewise.core.store.postgres.store import PostgresStore
from sourcewise.core.store.protocol import KeywordIndex, Store
from sourcewise.core.store.rows import BlobInfo, ChunkRecord
from sourcewise.core.store.sqlite_store import SqliteStore
from sourcewise.core.testing import HashEmbedder

BUDGET = Settings().retrieval.keyword_postings_budget


def load(store: Store, corpus: dict[str, dict[str, str]]) -> dict[int, str]:
    """Commit one chunk per abstract; chunk id -> SciFact doc id."""
    embedder = HashEmbedder()
    cid = store.content.collection_id("scifact") or 0
    for did, doc in corpus.items():
        text = doc["text"]
        chunk = ChunkRecord(text, doc["title"], None, None, None, 0, len(text), len(text.split()))
        blob = BlobInfo(f"sha-{did}", len(text), "md", doc["title"], None, None, len(text), None)
        store.content.commit_new_content(cid, Path(f"/scifact/{did}.md"), (len(text), 0.0), blob,
                                         [chunk], embedder.embed_documents([text]))  # fmt: skip
    store.save_vectors()  # the end of an index run (PostgreSQL refreshes its statistics)
    return {p.chunk_id: Path(p.path).stem for p in store.passages()}


class TsRank:
    """PostgreSQL's ts_rank over the store's tsvectors: the ranking the store used before."""

    def __init__(self, store: PostgresStore) -> None:
        self.conn = store.conn
        self.rows_matching = store.keywords.rows_matching

    def top(self, words: Sequence[str], n: int, allowed: Sequence[int] | None) -> dict[int, float]:
        q = " || ".join(["plainto_tsquery('english', %s)"] * len(words))
        rows = self.conn.execute(
            f"SELECT ch.id, ts_rank(ch.tsv, q.q) AS s FROM chunks ch, (SELECT {q} AS q) q "
            "WHERE ch.tsv @@ q.q ORDER BY s DESC, ch.id LIMIT %s", [*words, n]
        ).fetchall()  # fmt: skip
        return {int(r[0]): float(r[1]) for r in rows}


def ndcg10(ranked: list[str], rel: dict[str, int]) -> float:
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def score(keywords: Any, ids: dict[int, str], queries: dict[str, str],
          qrels: dict[str, dict[str, int]]) -> tuple[float, float]:  # fmt: skip
    search = KeywordSearch(keywords, BUDGET)
    total, t0 = 0.0, time.perf_counter()
    for qid, text in queries.items():
        hits = search.search(text, 100)
        ranked = [ids[c] for c in sorted(hits, key=lambda c: (-hits[c], c))]
        total += ndcg10(ranked, qrels[qid])
    return total / len(queries), (time.perf_counter() - t0) / len(queries) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("train", "test"), default="test")
    ap.add_argument("--pg-url", help="an existing server (default: a throwaway pgserver)")
    args = ap.parse_args(argv)
    corpus, queries, qrels = _scifact.load(split=args.split)
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = SqliteStore.open(Settings(home=Path(tmp) / "sqlite"), HashEmbedder())
        ids = load(sqlite, corpus)
        rows.append(("sqlite FTS5 bm25()", *score(sqlite.keywords, ids, queries, qrels)))
        sqlite.close()
        with _latency_pg.server(Path(tmp) / "pg", args.pg_url) as url:
            pg = PostgresStore.open(
                _latency_pg.schema_url(url, "keyword_parity", fresh=True), HashEmbedder(), 20_000
            )
            ids = load(pg, corpus)
            rankers: list[tuple[str, Callable[[], KeywordIndex]]] = [
                ("postgres BM25 (shipped)", lambda: pg.keywords),
                ("postgres ts_rank (before)", lambda: TsRank(pg)),
            ]
            for name, make in rankers:
                rows.append((name, *score(make(), ids, queries, qrels)))
            pg.close()
    print(f"\nSciFact {args.split}, {len(queries)} queries, {len(corpus)} abstracts, keyword "
          "search alone\n")  # fmt: skip
    print("| keyword ranking | nDCG@10 | ms / query |")
    print("|---|---|---|")
    for name, ndcg, ms in rows:
        print(f"| {name} | {ndcg:.4f} | {ms:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
