"""Chat-model thread counts on this machine, quiet and with the other core busy.

    .venv/bin/python bench/threads.py [--model qwen2.5-coder-0.5b] [--prompt-tokens 450]
                                      [--trials 2] [--models-dir DIR]

For each (generation threads, prompt threads) pair it times one answer-sized prompt (prompt
processing, which dominates time to first token) and 48 generated tokens, once on a quiet
machine and once while a second process spins on one core (as indexing, an embedder or any
other program does on a 2-core laptop). It prints a table; ``llm.threads`` and
``llm.threads_batch`` defaults are read off it.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sourcewise.core.llm.llama import LlamaChatModel
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]
PAIRS = ((1, 1), (1, 2), (2, 2))  # (threads, threads_batch); 2 = all cores here


def _spin(stop: mp.synchronize.Event) -> None:
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x += 1


def _prompt(tokens: int) -> str:
    line = "The depot at Harbour Road opened in 1998 and handles parcels for the northern region. "
    return line * max(1, tokens // 18)


def _once(model: LlamaChatModel, text: str, trial: int) -> tuple[float, float]:
    """(prompt seconds to first token, generated tokens/s) for a prompt not seen before."""
    msgs = [{"role": "user", "content": f"Note {trial}-{time.time()}. {text}\nSummarise."}]
    start = time.perf_counter()
    first = None
    n = 0
    for _ in model.stream_chat(msgs, max_tokens=48, temperature=0.0):  # type: ignore[arg-type]
        n += 1
        first = first or time.perf_counter()
    end = time.perf_counter()
    assert first is not None
    return first - start, (n - 1) / (end - first) if n > 1 else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="qwen2.5-coder-0.5b")
    ap.add_argument("--prompt-tokens", type=int, default=450)
    ap.add_argument("--trials", type=int, default=2)
    ap.add_argument("--models-dir", type=Path, default=REPO / "models")
    args = ap.parse_args(argv)
    text = _prompt(args.prompt_tokens)
    rows = []
    with tempfile.TemporaryDirectory() as home:
        for load in ("quiet", "other core busy"):
            stop = mp.Event()
            spinner = mp.Process(target=_spin, args=(stop,)) if load != "quiet" else None
            if spinner is not None:
                spinner.start()
            try:
                for threads, batch in PAIRS:
                    s = Settings(home=Path(home), models_dir=args.models_dir,
                                 llm={"model": args.model, "threads": threads,
                                      "threads_batch": batch})  # fmt: skip
                    model = LlamaChatModel(s.llm, ModelStore(s))
                    model.warm_up()
                    runs = [_once(model, text, t) for t in range(args.trials)]
                    model.close()
                    rows.append((load, threads, batch, statistics.median(r[0] for r in runs),
                                 statistics.median(r[1] for r in runs)))  # fmt: skip
            finally:
                if spinner is not None:
                    stop.set()
                    spinner.join()
    print(f"{args.model}, ~{args.prompt_tokens} prompt tokens, {os.cpu_count()} cores, "
          f"medians of {args.trials}\n")  # fmt: skip
    print("| load | threads | threads_batch | prompt to first token (s) | generation tok/s |")
    print("|---|---|---|---|---|")
    for load, threads, batch, ttft, tps in rows:
        print(f"| {load} | {threads} | {batch} | {ttft:.2f} | {tps:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
