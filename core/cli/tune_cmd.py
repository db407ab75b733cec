"""``tune``: train a LoRA adapter on question/answer data and install it for ``--adapter``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sourcewise.core.cli.context import emit_json, state
from sourcewise.core.progress import Progress


def _progress(p: Progress) -> None:
    if p.stage == "train":
        eta = f", ETA {p.eta_s:.0f}s" if p.eta_s is not None else ""
        line = f"step {p.done}/{p.total}: {p.message}{eta}"
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{line}   " + ("\n" if p.done == p.total else ""))
        elif p.done == p.total or p.done % 10 == 0 or p.done == 1:
            sys.stderr.write(line + "\n")
    elif p.message:
        sys.stderr.write(f"{p.message}\n")
    sys.stderr.flush()


@click.command("tune")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Adapter name (default: the data file's name).")
@click.option("--steps", type=click.IntRange(1, 100_000), default=100, show_default=True,
              help="Optimizer steps (one conversation each).")  # fmt: skip
@click.option("--rank", type=click.IntRange(1, 256), default=8, show_default=True,
              help="LoRA rank r (alpha is 2r).")  # fmt: skip
@click.option("--lr", type=click.FloatRange(0, 1, min_open=True), default=2e-4, show_default=True,
              help="Learning rate.")  # fmt: skip
@click.option("--raft", is_flag=True,
              help="Train on retrieval prompts: the gold passage among distractors, cited.")  # fmt: skip
@click.option("--base", help="Base model: a manifest name or a .gguf (default: the chat model).")
@click.option("--max-tokens", type=click.IntRange(64, 32_768), default=2048, show_default=True,
              help="Skip conversations longer than this.")  # fmt: skip
@click.option("--decision-weight", type=click.FloatRange(0, 100, min_open=True), default=1.0,
              show_default=True,
              help="Loss weight of each reply's first tokens, which decide between answering "
                   "and declining (1: a plain mean).")  # fmt: skip
@click.option("--layers", type=click.IntRange(0, 1000), default=0,
              help="Adapt only the top N layers (0: all); training skips the backward pass "
                   "below them.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=click.IntRange(0, 256), default=0,
              help="Torch CPU threads (0: half the cores).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the adapter card as JSON.")
@click.pass_context
def tune(ctx: click.Context, data: Path, name: str | None, steps: int, rank: int, lr: float,
         raft: bool, base: str | None, max_tokens: int, decision_weight: float, layers: int,
         seed: int, threads: int, as_json: bool) -> None:  # fmt: skip
    """Fine-tune the chat model on DATA (JSON Lines of {"messages": [...]} or
    {"question", "answer"}); the adapter lands in <models>/adapters/NAME.gguf."""
    from sourcewise.core.tune.pipeline import TuneOptions
    from sourcewise.core.tune.pipeline import tune as run_tune
    from sourcewise.core.tune.train import TrainParams

    st = state(ctx)
    params = TrainParams(steps=steps, rank=rank, lr=lr, max_tokens=max_tokens, seed=seed,
                         threads=threads, decision_weight=decision_weight,
                         layers=layers)  # fmt: skip
    options = TuneOptions(name=name or data.stem, params=params, raft=raft, base=base)
    card = run_tune(st.settings, data, options, engine=st.engine() if raft else None,
                    progress=_progress)  # fmt: skip
    if as_json:
        emit_json(card.to_json())
        return
    click.echo(f"adapter {card.name}: {card.steps} steps on {card.examples} examples, final loss "
               f"{card.final_loss or 0.0:.4f}, {card.training_seconds:.0f}s training "
               f"({card.total_seconds:.0f}s in all) on {card.device}")  # fmt: skip
    click.echo(f"  {card.adapter_file}")
    click.echo(f"use it: sourcewise ask --adapter {card.name} QUESTION; measure it: "
               f"sourcewise eval GOLD.jsonl --compare base,rag,lora,lora+rag --adapter {card.name}")  # fmt: skip


COMMANDS = [tune]
