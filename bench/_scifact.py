"""SciFact (BEIR layout) loading and a cached Sourcewise index of it, shared by benchmarks."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scifact"
CACHE = Path(__file__).resolve().parent / "results" / "scifact"


def load(
    data: Path = DATA, split: str = "test"
) -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, dict[str, int]]]:
    corpus = {}
    with (data / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            corpus[row["_id"]] = {"title": row.get("title", ""), "text": row["text"]}
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with (data / "qrels" / f"{split}.tsv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            qid, did, score = line.rstrip("\n").split("\t")
            qrels[qid][did] = int(score)
    queries = {}
    with (data / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["_id"] in qrels:
                queries[row["_id"]] = row["text"]
    return corpus, queries, dict(qrels)


def write_docs(corpus: dict[str, dict[str, str]], folder: Path) -> Path:
    """One Markdown file per abstract: the title is a heading, so chunks carry it."""
    folder.mkdir(parents=True, exist_ok=True)
    if len(list(folder.iterdir())) == len(corpus):
        return folder
    for did, doc in corpus.items():
        (folder / f"{did}.md").write_text(f"# {doc['title']}\n\n{doc['text']}\n", encoding="utf-8")
    return folder


def engine_for(embed_model: str, models_dir: Path | None, **retrieval: object) -> Engine:
    """An engine whose index of SciFact lives in bench/results (built once per embedder)."""
    settings = Settings(
        home=CACHE / embed_model,
        models_dir=models_dir,
        embed={"model": embed_model},
        retrieval=retrieval,
    )
    return build_engine(settings, chat_model=None)


def doc_id(path: str) -> str:
    return Path(path).stem
