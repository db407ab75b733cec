"""Entry point: global options, error policy and exit codes.

Exit codes: 0 ok, 1 a user or environment error (one line, no traceback), 2 usage error,
130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sourcewise.core.cli.context import CliState, parse_overrides
from sourcewise.core.errors import Cancelled, SourcewiseError
from sourcewise.core.settings import load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), envvar="SOURCEWISE_HOME",
              help="Data directory for the index, chats, settings and models cache.")  # fmt: skip
@click.option("--models-dir", type=click.Path(path_type=Path), help="Where model files live.")
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="Settings TOML to read."
)
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a setting, e.g. --set llm.threads=2 (repeatable).")  # fmt: skip
@click.version_option(package_name="sourcewise")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, models_dir: Path | None,
        config_file: Path | None, sets: tuple[str, ...]) -> None:  # fmt: skip
    """Sourcewise: answers from your own files, offline."""
    overrides: dict[str, Any] = parse_overrides(sets)
    if data_dir is not None:
        overrides["home"] = data_dir.expanduser().resolve()
    if models_dir is not None:
        overrides["models_dir"] = models_dir.expanduser().resolve()
    ctx.obj = CliState(load_settings(overrides, config_file))
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    from sourcewise.core.cli import (
        answer_cmd,
        eval_cmd,
        index_cmd,
        mcp_cmd,
        report_cmd,
        search_cmd,
        serve_cmd,
        settings_cmd,
        tune_cmd,
    )
    from sourcewise.core.cli.models_cmd import models_group

    for command in (
        *index_cmd.COMMANDS,
        *search_cmd.COMMANDS,
        *answer_cmd.COMMANDS,
        *serve_cmd.COMMANDS,
        *mcp_cmd.COMMANDS,
        *settings_cmd.COMMANDS,
        *eval_cmd.COMMANDS,
        *tune_cmd.COMMANDS,
        *report_cmd.COMMANDS,
        models_group,
    ):
        cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> int:
    try:
        # standalone_mode=False returns ctx.exit()'s code instead of calling sys.exit.
        result = cli.main(args=argv, prog_name="sourcewise", standalone_mode=False)
    except click.UsageError as err:
        err.show()
        return 2
    except click.ClickException as err:
        err.show()
        return 1
    except (click.Abort, KeyboardInterrupt, Cancelled):
        click.echo("cancelled", err=True)
        return 130
    except SourcewiseError as err:
        click.echo(f"error: {err}", err=True)
        return 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
