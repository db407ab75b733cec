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

Both EmbeddingGemma runtimes are the product's (core/embed/sentence.py, core/embed/gemma_onnx.py).
The INT8 graph is the one ``models install`` made beside the installed folder, else
``GEMMA_ONNX`` (made by ``core/modelstore/convert.export_int8``); the folder is the installed
one, else ``GEMMA_FOLDER``. ``--cosine N`` prints instead the cosine between the F32 and the
INT8 vectors of N paragraphs (12 languages) and of their questions.
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
import _xquad
import numpy as np

THREADS = 2  # this machine's cores; every system gets the same
BASELINE = "bge-small-en"
GEMMA = "embeddinggemma-300m"


def build(threads: int) -> dict[str, Any]:
    from sourcewise.core.embed.gemma_onnx import GemmaOnnxEmbedder
    from sourcewise.core.embed.sentence import SentenceTransformerEmbedder
    from sourcewise.core.factory import make_embedder
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.settings import Settings

    models_dir = os.environ.get("SOURCEWISE_MODELS_DIR")
    settings = Settings(models_dir=Path(models_dir) if models_dir else None,
                        embed={"model": BASELINE, "threads": threads})  # fmt: skip
    store = ModelStore(settings)
    spec = store.spec(GEMMA)
    installed = store.is_installed(GEMMA)
    folder = store.path(GEMMA) if installed else Path(os.environ["GEMMA_FOLDER"])
    made = store.converted(GEMMA) if installed else None
    model = made if made is not None else Path(os.environ["GEMMA_ONNX"])
    prompts = {"query_prefix": spec.query_instruction or "",
               "document_prefix": spec.document_instruction or "",
               "max_tokens": spec.context_length}  # fmt: skip
    return {
        BASELINE: make_embedder(settings, store),
        f"{GEMMA} (F32)": SentenceTransformerEmbedder(GEMMA, 768, lambda: folder, settings.embed,
                                                     **prompts),  # type: ignore[arg-type]
        f"{GEMMA} (ONNX INT8)": GemmaOnnxEmbedder(GEMMA, 768, lambda: folder, lambda: model,
                                                 settings.embed, **prompts),  # type: ignore[arg-type]
    }  # fmt: skip


def cosines(systems: dict[str, Any], count: int, folder: Path) -> None:
    """Cosine between the F32 and the INT8 vector of each of ``count`` paragraphs (all 12
    languages) and of as many questions: how far the INT8 runtime moves an index's vectors."""
    per_lang = -(-count // len(_xquad.LANGUAGES))
    paragraphs: list[str] = []
    questions: list[str] = []
    for code in _xquad.LANGUAGES:
        lang = _xquad.load(code, "tune", folder)
        paragraphs += [p for _, p in lang.paragraphs[:per_lang]]
        questions += [q.text for q in lang.questions[:per_lang]]
    paragraphs, questions = paragraphs[:count], questions[:count]
    f32, int8 = systems[f"{GEMMA} (F32)"], systems[f"{GEMMA} (ONNX INT8)"]
    for what, texts, embed in (
        ("paragraphs", paragraphs, lambda e, t: e.embed_documents(t)),
        ("questions", questions, lambda e, t: np.vstack([e.embed_query(x) for x in t])),
    ):
        cos = np.sum(embed(f32, texts) * embed(int8, texts), axis=1)
        print(f"{what}: {len(texts)} texts, cosine F32 vs INT8: mean {cos.mean():.4f}, "
              f"min {cos.min():.4f}, 5th percentile {np.percentile(cos, 5):.4f}")  # fmt: skip


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
    ap.add_argument("--cosine", type=int, default=0, metavar="N",
                    help="print the F32 vs INT8 cosine on N paragraphs instead of timing")  # fmt: skip
    args = ap.parse_args()
    systems = build(THREADS)
    if args.cosine:
        cosines(systems, args.cosine, args.xquad)
        return
    texts = samples(args.texts, args.xquad)
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
