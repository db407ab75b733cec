"""``eval``: measure retrieval and answers on a gold set; ``eval generate``: draft a gold set."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sourcewise.core.cli.context import emit_json, state, table
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.progress import Progress


class _DefaultGroup(click.Group):
    """A group whose first argument, when it is not a subcommand, goes to ``run``:
    ``eval GOLD.jsonl`` is ``eval run GOLD.jsonl``; ``eval generate`` stays a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def _progress(p: Progress) -> None:
    if sys.stderr.isatty():
        total = f"/{p.total}" if p.total is not None else ""
        sys.stderr.write(f"\r{p.stage}: {p.done}{total}   ")
        sys.stderr.flush()


@click.group("eval", cls=_DefaultGroup)
def eval_group() -> None:
    """Measure answers against a gold set: sourcewise eval GOLD.jsonl [--compare MODES]."""


@eval_group.command("run")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--k", "k", type=click.IntRange(1, 200), default=10, show_default=True,
              help="Passages retrieved for the retrieval metrics.")  # fmt: skip
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Folder the gold source paths are relative to (default: the gold file's).")  # fmt: skip
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Report folder (default: <home>/eval/<timestamp>).")  # fmt: skip
@click.option("--compare", help="Modes to compare, e.g. base,rag,lora,lora+rag (default: rag).")
@click.option("--adapter", help="LoRA adapter for the lora modes (name or .gguf path).")
@click.option("--limit", type=click.IntRange(1), help="Only the first N questions.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.pass_context
def run(ctx: click.Context, gold: Path, k: int, root: Path | None, out_dir: Path | None,
        compare: str | None, adapter: str | None, limit: int | None, as_json: bool) -> None:  # fmt: skip
    """Evaluate GOLD (JSON Lines) and write JSON, Markdown and PNG plots."""
    from dataclasses import asdict

    from sourcewise.core.eval.compare import COLUMNS, recommend, table_rows
    from sourcewise.core.eval.eval_report import default_out_dir, summary, write_report
    from sourcewise.core.eval.gold import load_gold
    from sourcewise.core.eval.modes import MODES, uses_adapter
    from sourcewise.core.eval.runner import adapter_card, evaluate, gold_sha256

    st = state(ctx)
    modes = [m.strip() for m in (compare or "rag").split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise click.BadParameter(f"unknown mode(s) {', '.join(unknown)}; choose from "
                                 f"{', '.join(MODES)}", param_hint="--compare")  # fmt: skip
    adapter = adapter or st.settings.llm.adapter
    if any(uses_adapter(m) for m in modes) and not adapter:
        raise click.UsageError("the lora modes need --adapter NAME (or llm.adapter set)")
    card = adapter_card(st.settings, adapter)
    base = card.get("base_model") if card else None
    if base and base not in (st.settings.llm.model, _stem(st.settings.llm.path)):
        click.echo(f"warning: adapter {adapter} was trained on {base}, not on the chat model "
                   f"{st.settings.llm.model}", err=True)  # fmt: skip
    items = load_gold(gold, root)[:limit]
    engine = st.engine()
    result = evaluate(engine, items, k=k, modes=modes, adapter=adapter, gold=str(gold),
                      progress=_progress)  # fmt: skip
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    result.adapter_card = card
    result.settings["gold_sha256"] = gold_sha256(gold)
    if len(modes) > 1:
        result.recommendation = recommend(result)
    out = out_dir or default_out_dir(st.settings.home)
    files = write_report(result, out, st.settings.home)
    if as_json:
        emit_json({"out": str(out), "files": {name: str(p) for name, p in files.items()},
                   "summary": summary(result), **asdict(result)})  # fmt: skip
        return
    r = result.retrieval
    click.echo(f"{result.questions} questions; retrieval: document hit@{k} "
               f"{_f(r.get(f'document.hit@{k}'))}, MRR {_f(r.get('document.mrr'))}, "
               f"nDCG@{k} {_f(r.get(f'document.ndcg@{k}'))}"
               + (f"; page hit@{k} {_f(r.get(f'page.hit@{k}'))}" if r.get("page.questions") else ""))  # fmt: skip
    click.echo(table(table_rows(result), COLUMNS))
    if result.recommendation:
        click.echo("\n" + result.recommendation)
    click.echo(f"\nreport: {files['markdown']}")


def _stem(path: Path | None) -> str | None:
    return path.stem if path else None


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


@eval_group.command("generate")
@click.option("--n", "n", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="How many questions to draft.")  # fmt: skip
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("gold.jsonl"), show_default=True, help="Where to write the draft.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="Sampling seed.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def generate(ctx: click.Context, n: int, out_file: Path, seed: int, as_json: bool) -> None:
    """Draft a gold set from indexed passages, for review (each line has "reviewed": false)."""
    from sourcewise.core.eval.generate import generate_gold
    from sourcewise.core.eval.gold import write_gold

    engine = state(ctx).engine()
    items = generate_gold(engine, n, seed=seed, progress=_progress)
    if not items:
        raise SourcewiseError("the index has no passages: run `sourcewise index` first")
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    count = write_gold(items, out_file)
    if as_json:
        emit_json({"out": str(out_file), "questions": count})
        return
    click.echo(f"wrote {count} draft questions to {out_file}; review them, then set "
               '"reviewed": true')  # fmt: skip


COMMANDS = [eval_group]
