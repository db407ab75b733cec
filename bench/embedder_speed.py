"""Embedding speed side by side: bge-small-en, EmbeddingGemma 300M (sentence-transformers, F32)
and its INT8 ONNX export, timed in turns in one process, so a shared machine's load falls on
all of them alike; the ratio to bge-small-en within each round is the number to read.

Each round embeds the same paragraphs with every system, in a rotating order (batch size 8,
length-sorted, as indexing embeds), on XQuAD tune paragraphs of all 12 languages and on English
ones. Prints chunks/s per round (per wall second, and per CPU second of this process, which the
others' load moves less) and the median ratio to bge-small-en.

    GEMMA_FOLDER=/work/shared-cache/embeddinggemma \
    GEMMA_ONNX=/work/shared-cache/embeddinggemma-onnx-int8/model.onnx \
        python bench/embedder_speed.py --rounds 5 --texts 24

The INT8 graph comes from ``_alt_embedders.export_gemma_onnx`` (needs the ``onnx`` package).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _alt_embedders
import _xquad

THREADS = 2  # this machine's cores; every system gets the same
BASELINE = "bge-small-en"


def build(threads: int) -> dict[str, Any]:
    from sourcewise.core.embed.sentence import SentenceTransformerEmbedder
    from sourcewise.core.factory import make_embedder
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.settings import Settings

    models_dir = os.environ.get("SOURCEWISE_MODELS_DIR")
    settings = Settings(models_dir=Path(models_dir) if models_dir else None,
                        embed={"model": BASELINE, "threads": threads})  # fmt: skip
    store = ModelStore(settings)
    spec = store.spec("embeddinggemma-300m")
    folder = Path(os.environ["GEMMA_FOLDER"])
    gemma = SentenceTransformerEmbedder("embeddinggemma-300m", 768, lambda: folder, settings.embed,
                                        query_prefix=spec.query_instruction or "",
                                        document_prefix=spec.document_instruction or "",
                                        max_tokens=spec.context_length)  # fmt: skip
    return {
        BASELINE: make_embedder(settings, store),
        "embeddinggemma-300m (F32)": gemma,
        "embeddinggemma-300m (ONNX INT8)": _alt_embedders.GemmaOnnx(folder, threads),
    }


def samples(each: int, folder: Path) -> dict[str, list[str]]:
    per_lang = max(1, each // len(_xquad.LANGUAGES))
    halves = {c: _xquad.load(c, "tune", folder).paragraphs for c in _xquad.LANGUAGES}
    mixed = [p for c in _xquad.LANGUAGES for _, p in halves[c][:per_lang]]
    english = [p for _, p in halves["en"][-each:]]
    return {"12 languages": mixed, "English": english}


def timed(embedder: Any, texts: Sequence[str]) -> tuple[float, float]:
    """Chunks per wall second and per CPU second of this process, in batches of 8 of similar
    length, as indexing embeds. On a shared machine the CPU seconds move less with the others'
    load (both systems use the same 2 threads, so their ratio stands for an idle machine's)."""
    wall, cpu = time.perf_counter(), time.process_time()
    order = sorted(texts, key=len)
    for start in range(0, len(order), 8):
        embedder.embed_documents(order[start : start + 8])
    return len(texts) / (time.perf_counter() - wall), len(texts) / (time.process_time() - cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--texts", type=int, default=24, help="paragraphs per sample")
    ap.add_argument("--xquad", type=Path, default=_xquad.XQUAD, help="the XQuAD folder")
    args = ap.parse_args()
    texts = samples(args.texts, args.xquad)
    systems = build(THREADS)
    for embedder in systems.values():  # load, first allocations
        embedder.embed_documents(texts["English"][:8])
    rates: dict[tuple[str, str, str], list[float]] = {}
    names = list(systems)
    for r in range(args.rounds):
        turn = names[r % len(names) :] + names[: r % len(names)]
        for sample, batch in texts.items():
            for name in turn:
                wall, cpu = timed(systems[name], batch)
                rates.setdefault(("wall", sample, name), []).append(wall)
                rates.setdefault(("CPU", sample, name), []).append(cpu)
                print(f"round {r + 1} {sample:<12} {name:<32} {wall:6.2f} chunks/s, "
                      f"{cpu:6.2f} per CPU s", flush=True)  # fmt: skip
    print("\n| sample | system | clock | chunks/s (median) | × bge-small-en, median of rounds "
          "[min–max] |\n|---|---|---|---|---|")  # fmt: skip
    for sample in texts:
        for name in names:
            for clock in ("wall", "CPU"):
                own, base = rates[(clock, sample, name)], rates[(clock, sample, BASELINE)]
                ratio = [a / b for a, b in zip(own, base, strict=True)]
                print(f"| {sample} | {name} | {clock} | {statistics.median(own):.2f} | "
                      f"{statistics.median(ratio):.2f} [{min(ratio):.2f}–{max(ratio):.2f}] |")  # fmt: skip


if __name__ == "__main__":
    main()
