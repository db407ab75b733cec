"""``summarize``: read one indexed document whole and print a cited summary, section by section."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sourcewise.core.cli.context import cancel_on_ctrl_c, emit_json, state
from sourcewise.core.progress import Progress
from sourcewise.core.rendering.render import citation_json
from sourcewise.core.types import DocumentDigest


def reading_progress(p: Progress) -> None:
    """One stderr line per section read, so a long document shows it is getting on."""
    if p.stage == "reading":
        sys.stderr.write(f"\rreading {p.done}/{p.total}: {p.message[:60]:<60}")
        if p.total is not None and p.done >= p.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def digest_json(d: DocumentDigest) -> dict[str, Any]:
    """The stable JSON shape of ``sourcewise summarize --json`` (fields are only ever added)."""
    return {
        "path": d.path,
        "title": d.title,
        "question": d.question,
        "summary": d.summary,
        "sections": [
            {
                "title": s.title,
                "pages": s.pages,
                "text": s.text,
                "citations": [citation_json(c) for c in s.citations],
            }
            for s in d.sections
        ],
        "citations": [citation_json(c) for c in d.citations],
        "seconds": round(d.seconds, 2),
        "cancelled": d.cancelled,
        "sections_done": d.sections_done,
        "sections_total": d.sections_total,
        "pages_read": d.pages_read,
        "cached_sections": d.cached,
    }


@click.command("summarize")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--question", "-q", default="",
              help="Instead of a summary, every item answering this, e.g. 'every deadline'.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object when done.")
@click.pass_context
def summarize(ctx: click.Context, path: Path, question: str, as_json: bool) -> None:
    """Read the indexed document PATH whole: a cited summary of each section and of the whole."""
    engine = state(ctx).engine()
    with cancel_on_ctrl_c("reading") as cancel:
        digest = engine.answers.summarize(path, question, progress=None if as_json else reading_progress,
                                  cancel=cancel)  # fmt: skip
    if as_json:
        emit_json(digest_json(digest))
        return
    _print(digest)


def _print(d: DocumentDigest) -> None:
    click.echo(f"{d.title}\n\n{d.summary}\n")
    notes = [s for s in d.sections if s.text]
    for s in notes if len(notes) > 1 else ():  # one section's note is the summary itself
        pages = f" ({_pages(s.pages)})" if s.pages else ""
        click.echo(f"## {s.title}{pages}\n{s.text}\n")
    if d.citations:
        click.echo("Sources:")
        for c in d.citations:
            page = f", page {c.page}" if c.page is not None else ""
            click.echo(f"  [{c.n}] {Path(c.path).name}{page}")
    speed = f"{d.pages_read / d.seconds * 60:.1f} pages/min" if d.seconds > 0 else ""
    stop = " (stopped early)" if d.cancelled else ""
    click.echo(f"\nRead {d.sections_done} of {d.sections_total} sections, {d.pages_read} pages "
               f"in {d.seconds:.1f} s{', ' + speed if speed else ''}{stop}.", err=True)  # fmt: skip


def _pages(pages: list[int]) -> str:
    return f"p. {pages[0]}" if pages[0] == pages[-1] else f"pp. {pages[0]}–{pages[-1]}"
