"""``config``: show the effective settings and every option's description."""

from __future__ import annotations

import click
from pydantic import SecretStr

from sourcewise.core.cli.context import emit_json, state, table
from sourcewise.core.settings import describe_fields, value_of


@click.command("config")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def config(ctx: click.Context, as_json: bool) -> None:
    """Print the effective settings (defaults, file, environment and flags merged); secrets
    masked (store.password, never saved, is left out of --json)."""
    settings = state(ctx).settings
    if as_json:
        emit_json(settings.model_dump(mode="json"))
        return
    dumped = settings.model_dump(mode="json")
    rows = []
    for name, _default, description in describe_fields():
        value: object = dumped
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        secret = value_of(settings, name)
        if isinstance(secret, SecretStr):
            value = secret  # shown as ********** (a dump leaves out the never-saved ones)
        rows.append([name, str(value), description])
    click.echo(table(rows, ["setting", "value", "description"]))


COMMANDS = [config]
