"""``search``: hybrid retrieval from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from sourcewise.core.cli.context import emit_json, state
from sourcewise.core.filter_options import build_filters
from sourcewise.core.rendering.render import hit_json
from sourcewise.core.types import cited_as

F = TypeVar("F", bound=Callable[..., Any])


def filter_options(func: F) -> F:
    """The search filters, shared by ``search`` and ``ask``."""
    options = [
        click.option("--collection", "-c", "collections", multiple=True, help="Only this collection (repeatable)."),
        click.option("--folder", type=click.Path(path_type=Path), help="Only documents beneath this folder."),
        click.option("--path", "path_glob", help="Only paths matching this glob, e.g. '*/reports/*'."),
        click.option("--type", "file_types", multiple=True, help="Only this file type, e.g. pdf (repeatable)."),
        click.option("--since", help="Only files modified on or after this date (YYYY-MM-DD)."),
        click.option("--document", "-d", "documents", multiple=True, type=click.Path(path_type=Path),
                     help="Only this indexed document (repeatable): chat with one document."),
        click.option("--sender", help="Only messages (and their attachments) from this sender: "
                     "any part of the name or address."),
        click.option("--after", "date_from", help="Only messages, notes or papers dated on or after "
                     "this date (YYYY-MM-DD)."),
        click.option("--before", "date_to", help="Only messages, notes or papers dated on or before "
                     "this date (YYYY-MM-DD)."),
        click.option("--tag", "tags", multiple=True, help="Only notes with this tag (repeatable: all "
                     "of them); 'project' also matches 'project/alpha'."),
        click.option("--zotero-collection", "zotero_collections", multiple=True,
                     help="Only papers of this Zotero collection."),
        click.option("--field", "fields", multiple=True, metavar="KEY=VALUE",
                     help="Only documents whose metadata has this value, e.g. status=draft "
                     "(a note's front matter, a paper's publication)."),
    ]  # fmt: skip
    wrapped: Any = func
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]


@click.command("search")
@click.argument("query")
@click.option("-k", "k", type=click.IntRange(1, 200), default=None, help="How many results.")
@filter_options
@click.option("--no-rerank", is_flag=True, help="Skip the cross-encoder.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx: click.Context, /, query: str, k: int | None, collections: tuple[str, ...],
           folder: Path | None, path_glob: str | None, file_types: tuple[str, ...],
           since: str | None, documents: tuple[Path, ...], no_rerank: bool,
           as_json: bool, **source: Any) -> None:  # fmt: skip
    """Find the passages that best match QUERY."""
    engine = state(ctx).engine()
    hits = engine.library.search(
        query, k,
        build_filters(collections, folder, path_glob, file_types, since, documents, **source),
        rerank=not no_rerank,
    )  # fmt: skip
    if as_json:
        emit_json([hit_json(h) for h in hits])
        return
    if not hits:
        click.echo("no results")
    # Rank order with a labelled strength: raw scores (in --json) are logits a reader cannot
    # interpret, and the final order blends them with the first stage.
    for h in sorted(hits, key=lambda hit: hit.rank):
        page = f" p.{h.page}" if h.page else ""
        who = f"  ({cited_as(h.reference, h.page)})" if h.reference else ""
        click.echo(f"{h.rank:>2}. [{h.strength}] {h.path}{page}{who}  {h.heading}")
        click.echo("    " + " ".join(h.text.split())[:240])


COMMANDS = [search]
