"""``report``: how answering went over time, from the answer log and the chat feedback."""

from __future__ import annotations

from pathlib import Path

import click

from sourcewise.core.cli.context import emit_json, state, table
from sourcewise.core.filter_options import build_filters


def _f(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


@click.command("report")
@click.option("--since", help="Only answers on or after this date (YYYY-MM-DD).")
@click.option("--export-gold", "export", type=click.Path(dir_okay=False, path_type=Path),
              help="Write thumbs-down answers as gold questions to this JSONL file.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def report(ctx: click.Context, since: str | None, export: Path | None, as_json: bool) -> None:
    """Answers per week: count, abstentions, latency, retrieval score, thumbs up/down."""
    from sourcewise.core.eval.answer_report import export_gold, summarize

    since_ts = build_filters((), None, None, (), since).modified_since  # same date parsing
    engine = state(ctx).engine()
    rows = engine.answers.log(since_ts)
    if export is not None:
        count = export_gold(rows, export)
        if as_json:
            emit_json({"out": str(export), "questions": count})
        else:
            click.echo(f"wrote {count} poorly rated question(s) to {export} for review")
        return
    overall, weeks = summarize(rows)
    if as_json:
        emit_json({"overall": overall, "weeks": weeks})
        return
    if not rows:
        click.echo("no answers logged yet")
        return
    body = [[p.label, str(p.answers), _f(p.abstention_rate), _f(p.latency_mean_ms, 0),
             _f(p.latency_p95_ms, 0), _f(p.top_score_mean, 3), str(p.thumbs_up),
             str(p.thumbs_down), _f(p.thumbs_up_rate)] for p in [*weeks, overall]]  # fmt: skip
    click.echo(table(body, ["week", "answers", "abstained", "mean ms", "p95 ms", "top score",
                            "up", "down", "up rate"]))  # fmt: skip
    click.echo("models: " + ", ".join(f"{name} ({n})" for name, n in overall.models.items()))


@click.command("feedback")
@click.argument("answer_id", type=int)
@click.argument("rating", type=click.Choice(["up", "down"]))
@click.option("--comment", default="", help="What was good, wrong or missing.")
@click.pass_context
def feedback(ctx: click.Context, answer_id: int, rating: str, comment: str) -> None:
    """Rate answer ANSWER_ID up or down (the id `ask` prints, `answer_id` in `ask --json` and
    in the API's replies); `report` counts the ratings."""
    state(ctx).engine().answers.feedback(
        rating=1 if rating == "up" else -1, comment=comment, log_id=answer_id
    )
    click.echo(f"rated answer {answer_id} {rating}")


COMMANDS = [report, feedback]
