"""Answer benchmark: LlamaChatModel vs a bare llama.cpp loop, and a small dev QA set per model.

    .venv/bin/python bench/answer.py --models-dir DIR [--models a,b] [--threads 2] [--trials 2]
                                     [--skip-overhead] [--skip-qa] [--limit N]

Part 1 streams the same prompt through ``LlamaChatModel.stream_chat`` and through a bare
``Llama.create_completion`` loop, alternating, and reports time to first token and tokens/s
for both (the ratio is our overhead: template, masked tokenization, prefix-cache bookkeeping).
Part 2 indexes bench/data/devqa_docs, asks bench/data/devqa.jsonl through the engine and
reports accuracy (every gold fact in the answer, case-insensitive), whether the gold document
was cited, abstention precision/recall (unanswerable questions), and median TTFT / tokens/s.
It uses the real embedder and reranker when installed, the hash embedder otherwise.

    .venv/bin/python bench/answer.py --squad [answer_squad options]

runs the SQuAD 2.0 benchmark of whole answer pipelines instead (bench/answer_squad.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _answer_metrics import says_not_covered

from sourcewise.core.answer import prompts
from sourcewise.core.factory import build_engine
from sourcewise.core.llm.base import Message
from sourcewise.core.llm.llama import LlamaChatModel
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.settings import Settings

DATA = Path(__file__).parent / "data"
SOURCES = 3  # passages per answer: keeps prompts near 700 tokens
CHAT_MODELS = ("smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b")


def _settings(home: Path, models_dir: Path, threads: int, **extra: Any) -> Settings:
    return Settings(home=home, models_dir=models_dir, index={"parse_mode": "thread"},
                    llm={"threads": threads, "threads_batch": threads, "max_tokens": 96,
                         "temperature": 0.0, "context_size": 4096},
                    **extra)  # fmt: skip


def _timed(pieces: Iterable[str]) -> tuple[float, float, int]:
    """(ttft ms, tokens/s after the first, pieces) of a stream."""
    start = time.perf_counter()
    first: float | None = None
    n = 0
    for _ in pieces:
        n += 1
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    if first is None:
        return 0.0, 0.0, 0
    tps = (n - 1) / (end - first) if n > 1 and end > first else 0.0
    return (first - start) * 1000, tps, n


def _bare(llm: Any, text: str, max_tokens: int) -> Iterator[str]:
    tokens = llm.tokenize(text.encode("utf-8"), add_bos=True, special=True)
    for chunk in llm.create_completion(tokens, max_tokens=max_tokens, temperature=0.0, stream=True):
        yield chunk["choices"][0]["text"]


def overhead(name: str, models_dir: Path, threads: int, trials: int, home: Path) -> dict[str, Any]:
    import llama_cpp

    settings = _settings(home, models_dir, threads)
    llm_cfg = settings.llm.model_copy(update={"model": name})
    ours = LlamaChatModel(llm_cfg, ModelStore(settings))
    ours.warm_up()
    bare = llama_cpp.Llama(model_path=str(ours.model_path()), n_ctx=llm_cfg.context_size, n_threads=threads,
                           n_threads_batch=threads, flash_attn=llm_cfg.flash_attn, verbose=False)  # fmt: skip
    docs = sorted((DATA / "devqa_docs").glob("*.md"))[:2]
    sources = "\n\n".join(
        f"[{i}] {p.name}\n{p.read_text(encoding='utf-8')}" for i, p in enumerate(docs, 1)
    )
    hello: list[Message] = [{"role": "user", "content": "Hello"}]
    _timed(ours.stream_chat(hello, max_tokens=4, temperature=0.0))  # page the weights in
    _timed(_bare(bare, ours.render(hello), 4))
    rows: dict[str, list[tuple[float, float, int]]] = {"ours": [], "bare": []}
    for t in range(trials):
        # A different request number right after the system prompt: only that prefix is reused.
        messages: list[Message] = [
            {"role": "system", "content": prompts.SYSTEM},
            {"role": "user", "content": f"Request {t + 1}. " + prompts.USER.format(
                sources=sources, question="Summarize every policy above in detail.")},
        ]  # fmt: skip
        text = ours.render(messages)
        order = ("ours", "bare") if t % 2 == 0 else ("bare", "ours")
        for which in order:
            if which == "ours":
                stream = ours.stream_chat(messages, max_tokens=48, temperature=0.0)
            else:
                stream = _bare(bare, text, 48)
            rows[which].append(_timed(stream))
    prompt_tokens = len(ours.prompt_tokens(messages))
    ours.close()
    bare.close()
    med = {
        k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v))
        for k, v in rows.items()
    }
    return {"model": name, "prompt_tokens": prompt_tokens, "ours_ttft": med["ours"][0], "bare_ttft": med["bare"][0],
            "ours_tps": med["ours"][1], "bare_tps": med["bare"][1]}  # fmt: skip


@dataclass
class QAResult:
    model: str
    load_s: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def _contains_facts(answer: str, facts: list[list[str]]) -> bool:
    low = answer.lower()
    return all(any(alt.lower() in low for alt in alts) for alts in facts)


def qa(
    names: list[str], models_dir: Path, threads: int, limit: int | None, home: Path
) -> tuple[str, bool, list[QAResult], dict[str, float]]:
    store = ModelStore(_settings(home, models_dir, threads))
    embed = "bge-small-en" if store.is_installed("bge-small-en") else "hash"
    rerank = store.is_installed("ms-marco-minilm-l12")
    settings = _settings(home, models_dir, threads, embed={"model": embed, "threads": threads},
                         retrieval={"rerank": rerank}, answer={"max_sources": SOURCES})  # fmt: skip
    engine = build_engine(settings, chat_model=None)
    engine.library.index([DATA / "devqa_docs"])
    questions = [
        json.loads(line)
        for line in (DATA / "devqa.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if limit:
        answerable = [q for q in questions if q["answerable"]][: max(1, limit * 3 // 4)]
        questions = (
            answerable
            + [q for q in questions if not q["answerable"]][: max(1, limit - len(answerable))]
        )
    best: dict[str, float] = {}
    for q in questions:
        hits = engine.library.search(q["question"], settings.answer.max_sources)
        # The answerer gates on the best cross-encoder score among the hits, not the top hit's.
        best[q["id"]] = max((h.scores.get("rerank", h.score) for h in hits), default=float("-inf"))
    results = []
    for name in names:
        res = QAResult(name)
        start = time.perf_counter()
        model = LlamaChatModel(
            settings.llm.model_copy(update={"model": name}), engine._parts.models
        )
        model.warm_up()
        res.load_s = time.perf_counter() - start
        engine._parts.chat_model = model
        for q in questions:
            a = engine.answers.ask(q["question"])
            abstained = a.abstained or says_not_covered(a.answer)
            cited = {Path(c.path).name for c in a.citations}
            res.rows.append({"id": q["id"], "answerable": q["answerable"], "abstained": abstained, "gate": a.abstained,
                             "correct": q["answerable"] and not abstained and _contains_facts(a.answer, q["facts"]),
                             "cited_doc": q["doc"] in cited if q["doc"] else None, "ttft_ms": a.timings.ttft_ms,
                             "tps": a.timings.tokens_per_s, "answer": a.answer})  # fmt: skip
        res.seconds = time.perf_counter() - start
        model.close()
        results.append(res)
    engine.close()
    return embed, rerank, results, best


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return "\n".join([*lines, *("| " + " | ".join(r) + " |" for r in rows)])


def _summary(res: QAResult) -> list[str]:
    ans = [r for r in res.rows if r["answerable"]]
    una = [r for r in res.rows if not r["answerable"]]
    abst = [r for r in res.rows if r["abstained"]]
    tp = sum(1 for r in una if r["abstained"])
    gen = [r for r in res.rows if not r["gate"] and r["ttft_ms"] > 0]
    prec = f"{tp / len(abst):.2f}" if abst else "n/a"
    rec = f"{tp / len(una):.2f}" if una else "n/a"
    return [
        res.model,
        f"{sum(r['correct'] for r in ans)}/{len(ans)}",
        f"{sum(bool(r['cited_doc']) for r in ans)}/{len(ans)}",
        f"{prec} / {rec}",
        f"{sum(r['gate'] for r in res.rows)}",
        f"{statistics.median(r['ttft_ms'] for r in gen):.0f}" if gen else "-",
        f"{statistics.median(r['tps'] for r in gen):.1f}" if gen else "-",
        f"{res.load_s:.1f}",
        f"{res.seconds:.0f}",
    ]


def main() -> None:
    if "--squad" in sys.argv[1:]:
        import answer_squad

        sys.exit(answer_squad.main([a for a in sys.argv[1:] if a != "--squad"]))
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--models-dir", type=Path, required=True)
    ap.add_argument("--models", default=",".join(CHAT_MODELS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--trials", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None, help="Ask only about this many questions.")
    ap.add_argument("--skip-overhead", action="store_true")
    ap.add_argument("--skip-qa", action="store_true")
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store = ModelStore(_settings(home, args.models_dir, args.threads))
        names = [n for n in args.models.split(",") if store.is_installed(n)]
        missing = [n for n in args.models.split(",") if n not in names]
        print(
            f"models: {', '.join(names) or 'none'}"
            + (f" (not installed: {', '.join(missing)})" if missing else "")
        )
        print(f"threads: {args.threads} (n_threads = n_threads_batch)\n")
        out: dict[str, Any] = {}
        if not args.skip_overhead:
            over = [overhead(n, args.models_dir, args.threads, args.trials, home) for n in names]
            out["overhead"] = over
            print(
                "## LlamaChatModel vs bare llama.cpp (same prompt, medians of",
                args.trials,
                "alternating runs)\n",
            )
            print(_table(["model", "prompt tok", "TTFT ours ms", "TTFT bare ms", "TTFT ratio", "tok/s ours", "tok/s bare", "tok/s ratio"],
                         [[o["model"], str(o["prompt_tokens"]), f"{o['ours_ttft']:.0f}", f"{o['bare_ttft']:.0f}",
                           f"{o['ours_ttft'] / o['bare_ttft']:.2f}" if o["bare_ttft"] else "-",
                           f"{o['ours_tps']:.1f}", f"{o['bare_tps']:.1f}",
                           f"{o['ours_tps'] / o['bare_tps']:.2f}" if o["bare_tps"] else "-"] for o in over]))  # fmt: skip
            print()
        if not args.skip_qa and names:
            embed, rerank, results, best = qa(
                names, args.models_dir, args.threads, args.limit, home
            )
            out["qa"] = [
                {"model": r.model, "load_s": r.load_s, "seconds": r.seconds, "rows": r.rows}
                for r in results
            ]
            out["best_rerank"] = best
            n = len(results[0].rows)
            print(
                f"## Dev QA ({n} questions; embedder {embed}, reranker {'on' if rerank else 'off'}, {SOURCES} sources, max 96 tokens)\n"
            )
            print(_table(["model", "accuracy", "cited gold doc", "abstain P / R", "gate abstained", "TTFT ms (median)",
                          "tok/s (median)", "load s", "total s"], [_summary(r) for r in results]))  # fmt: skip
            print("\nBest retrieval score per question (rerank logit when the reranker is on):")
            print(", ".join(f"{k}={v:.2f}" for k, v in best.items()))
            print(
                f"\nRetrieval gate (answer.abstain_below; now {Settings(home=home).answer.abstain_below}):"
            )
            for cut in (-4.0, -2.0, -1.0, 0.0, 0.5):
                una = sum(1 for k, v in best.items() if k.startswith("u") and v < cut)
                ans = sum(1 for k, v in best.items() if k.startswith("a") and v < cut)
                print(f"  below {cut:+.1f}: abstains on {una} unanswerable, {ans} answerable")
        if args.json_out:
            args.json_out.write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
