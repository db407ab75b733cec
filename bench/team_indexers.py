"""Two indexer processes on one team library against one (issue 15): speed-up, and that no
file's content is embedded twice.

    .venv/bin/python bench/team_indexers.py [--docs 1000] [--threads 1] [--pg-url URL]

SciFact abstracts (one Markdown file each) are indexed with the real default embedder through
the product's own command line (``sourcewise --set store.backend=postgres ... index DIR
--json``) into a PostgreSQL library (a throwaway ``pgserver`` one unless ``--pg-url``), first
by one process into an empty library, then by two processes started together on the same
folder into a second empty library. Each indexer gets ``--threads`` embedding and parsing
threads: with 1 on this 2-core machine the two processes stand for two indexing machines
(one core each); with 0 each takes every core, as one machine running two indexers would.

Printed: wall time per run, the speed-up, the files each process embedded (``files_indexed``;
a file it found stored by the other is ``linked``), and the library's counts, which must be
the same for both runs: documents, stored contents and chunks, and vectors = chunks (every
chunk embedded once).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _latency_pg
import _scifact

REPO = Path(__file__).resolve().parents[1]


def indexer(url: str, home: Path, docs: Path, threads: int) -> subprocess.Popen[str]:
    sets = {"store.backend": "postgres", "store.url": url, "embed.threads": threads,
            "index.parse_workers": max(1, threads), "index.parse_mode": "thread"}  # fmt: skip
    cmd = [str(REPO / ".venv" / "bin" / "sourcewise"), "--data-dir", str(home)]
    for key, value in sets.items():
        cmd += ["--set", f"{key}={value}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCEWISE_")}
    env["SOURCEWISE_MODELS_DIR"] = str(REPO / "models")
    return subprocess.Popen([*cmd, "index", str(docs), "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)  # fmt: skip


def run(
    url: str, homes: list[Path], docs: Path, threads: int
) -> tuple[float, list[dict[str, Any]]]:
    t0 = time.perf_counter()
    procs = [indexer(url, home, docs, threads) for home in homes]
    reports = []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode != 0:
            raise SystemExit(f"an indexer failed (exit {p.returncode})")
        reports.append(json.loads(out))
    return time.perf_counter() - t0, reports


def counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("documents", "blobs", "chunks", "vectors")}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="SciFact abstracts indexed")
    ap.add_argument("--threads", type=int, default=1, help="embedding threads per indexer")
    ap.add_argument("--pg-url", help="an existing server (default: a throwaway pgserver)")
    args = ap.parse_args(argv)
    corpus, _, _ = _scifact.load()
    subset = dict(list(corpus.items())[: args.docs])
    rows, libraries = [], []
    with tempfile.TemporaryDirectory() as tmp:
        docs = _scifact.write_docs(subset, Path(tmp) / "docs")
        with _latency_pg.server(Path(tmp) / "pg", args.pg_url) as server:
            for n in (1, 2):
                url = _latency_pg.schema_url(server, f"indexers_{n}", fresh=True)
                homes = [Path(tmp) / f"home-{n}-{i}" for i in range(n)]
                seconds, reports = run(url, homes, docs, args.threads)
                library = counts(url)
                libraries.append(library)
                embedded = " + ".join(str(r["files_indexed"]) for r in reports)
                linked = " + ".join(str(r["files_deduplicated"]) for r in reports)
                rows.append([f"{n} indexer{'s' if n > 1 else ''}", f"{seconds:.0f}", embedded,
                             linked, str(library["documents"]), str(library["blobs"]),
                             str(library["chunks"]), str(library["vectors"])])  # fmt: skip
    speedup = float(rows[0][1]) / max(float(rows[1][1]), 1e-9)
    print(f"\n{args.docs} SciFact abstracts, bge-small-en, {args.threads} embedding thread(s) "
          f"per indexer, {os.cpu_count()} cores\n")  # fmt: skip
    header = ["run", "wall (s)", "files embedded", "files linked", "documents", "contents",
              "chunks", "vectors"]  # fmt: skip
    for line in (header, ["---"] * len(header), *rows):
        print("| " + " | ".join(line) + " |")
    same = libraries[0] == libraries[1] and libraries[1]["vectors"] == libraries[1]["chunks"]
    print(f"\nspeed-up {speedup:.2f}x; libraries identical, one vector per chunk: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
