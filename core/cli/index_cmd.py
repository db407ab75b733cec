"""``index``, ``remove`` and ``status``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from sourcewise.core.cli.context import cancel_on_ctrl_c, emit_json, state, table
from sourcewise.core.engine import Engine
from sourcewise.core.errors import Cancelled
from sourcewise.core.progress import Progress
from sourcewise.core.types import IndexReport, to_json


def progress_line(p: Progress) -> str:
    """One status line: files found while scanning, what it waits for, then files done."""
    if p.stage == "scanning":
        return f"scanning: {p.done} files found"
    if p.stage == "starting":
        return f"{p.message}…"
    eta = f", ETA {p.eta_s:.0f}s" if p.eta_s is not None else ""
    total = f"/{p.files_total}" if p.files_total is not None else ""
    return (f"{p.stage}: {p.files_done}{total} files, {p.chunks} chunks, "
            f"{p.rate:.1f} files/s{eta}")  # fmt: skip


def _print_progress(p: Progress) -> None:
    if not sys.stderr.isatty():
        return
    sys.stderr.write("\r" + progress_line(p).ljust(_WIDTH)[:_WIDTH])
    sys.stderr.flush()


_WIDTH = 78


@click.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--collection", "-c", default="default", show_default=True, help="Collection name.")
@click.option("--watch", is_flag=True, help="Keep running and index changes as they happen.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def index(
    ctx: click.Context, paths: tuple[Path, ...], collection: str, watch: bool, as_json: bool
) -> None:
    """Index files and folders (unchanged files are skipped; Ctrl+C stops after the files in
    flight and reports what was done)."""
    engine = state(ctx).engine()
    with cancel_on_ctrl_c("indexing") as cancel:
        try:
            report = engine.library.index(list(paths), collection, progress=_print_progress,
                                  cancel=cancel)  # fmt: skip
        except Cancelled as err:  # Ctrl+C: the partial report is shown, then exit 130
            if err.report is None:
                raise
            report = err.report
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    _show_report(report, as_json)
    if report.cancelled:
        ctx.exit(130)
    if watch:
        _watch_forever(engine, list(paths), collection)


def _watch_forever(engine: Engine, paths: list[Path], collection: str) -> None:
    """``index --watch``: a line per re-index until interrupted."""
    folders = [p for p in paths if p.is_dir()]

    def echo(r: IndexReport) -> None:
        click.echo(f"re-indexed: {r.files_indexed} new/changed, {r.files_removed} removed, "
                   f"{r.files_failed} failed")  # fmt: skip

    stop = engine.library.watch(collection, folders, echo)
    click.echo(f"watching {len(folders)} folder(s); Ctrl-C to stop", err=True)
    try:
        while True:
            time.sleep(1)
    finally:
        stop()


def _show_report(report: IndexReport, as_json: bool) -> None:
    if as_json:
        emit_json(report)
        return
    if report.cancelled:
        done = report.files_indexed + report.files_unchanged + report.files_deduplicated
        click.echo(f"{report.collection}: cancelled after {done + report.files_failed} of "
                   f"{report.files_seen} files; the same command goes on from there")  # fmt: skip
    click.echo(
        f"{report.collection}: {report.files_indexed} indexed, {report.files_unchanged} unchanged, "
        f"{report.files_deduplicated} duplicates/moved, {report.files_removed} removed, "
        f"{report.files_failed} failed; {report.pages} pages, {report.chunks} chunks "
        f"in {report.seconds:.1f}s"
    )
    if report.chunks_reembedded:
        click.echo(f"  re-embedded {report.chunks_reembedded} chunks with the new embedding model")
    for f in report.failures:
        click.echo(f"  {f.status:<11} {f.path}: {f.message}")
    for w in report.warnings:
        click.echo(f"  {'warning':<11} {w.path}: {w.message}")


@click.command("remove")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--collection", "-c", default=None, help="Only from this collection.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def remove(
    ctx: click.Context, paths: tuple[Path, ...], collection: str | None, as_json: bool
) -> None:
    """Forget files or folders (the files themselves are not touched)."""
    count = state(ctx).engine().library.remove(list(paths), collection)
    if as_json:
        emit_json({"removed": count})
    else:
        click.echo(f"removed {count} document(s)")


@click.command("status")
@click.option("--json", "as_json", is_flag=True)
@click.option("--files", is_flag=True, help="List every document with its status.")
@click.pass_context
def status(ctx: click.Context, as_json: bool, files: bool) -> None:
    """What is indexed, and which files failed and why."""
    engine = state(ctx).engine()
    st = engine.library.status()
    if as_json:
        data: dict[str, object] = {**to_json(st)}
        if files:
            data["files"] = engine.library.documents()
        emit_json(data)
        return
    waiting = f"{st.pending} pending, " if st.pending else ""
    click.echo(f"{st.documents} documents, {len(st.failed)} failed, {waiting}{st.chunks} chunks, "
               f"{st.vectors} vectors ({st.embed_model}, {st.ann}); "
               f"home {state(ctx).settings.home}")  # fmt: skip
    for name, count in st.collections.items():
        click.echo(f"  collection {name}: {count} documents")
    if st.failed:
        click.echo(
            table([[f.status, f.path, f.message] for f in st.failed], ["status", "path", "reason"])
        )
    if st.warnings:
        click.echo(table([[w.path, w.message] for w in st.warnings], ["indexed with", "note"]))
    for hint in st.hints:
        click.echo(f"hint: {hint}")


COMMANDS = [index, remove, status]
