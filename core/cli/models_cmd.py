"""``sourcewise models``: list, install, verify and discover model files."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore import ModelStore
from sourcewise.core.progress import Progress


def _store(ctx: click.Context) -> ModelStore:
    return ModelStore(ctx.find_root().obj.settings)


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [
        [str(c) for c in headers],
        *[[("-" if c is None else str(c)) for c in r] for r in rows],
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _json(items: list[dict[str, Any]]) -> None:
    click.echo(json.dumps(items, indent=2, default=str))


@click.group("models")
def models_group() -> None:
    """Install, check and find model files."""


@models_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """Models in the manifest and whether each is installed."""
    store = _store(ctx)
    specs = store.manifest()
    installed = {s.name: store.is_installed(s.name) for s in specs}
    if as_json:
        _json(
            [
                {
                    "name": s.name, "role": s.role, "format": s.format,
                    "display_name": s.display_name, "size_bytes": s.size_bytes,
                    "default": s.default, "installed": installed[s.name],
                    "path": str(store.target(s.name)) if installed[s.name] else None,
                    "license": s.license, "sha256": s.sha256,
                }
                for s in specs
            ]
        )  # fmt: skip
        return
    rows = [
        [
            s.name, s.role, s.format, _size(s.size_bytes), "yes" if s.default else "",
            "yes" if installed[s.name] else "no", s.display_name,
        ]
        for s in specs
    ]  # fmt: skip
    click.echo(_table(["NAME", "ROLE", "FORMAT", "SIZE", "DEFAULT", "INSTALLED", "MODEL"], rows))
    looked = ", then ".join(str(d) for d in store.search_dirs)
    click.echo(f"\nmodels are looked for in {looked}; installs go to {store.models_dir}")


class _Reporter:
    """Install progress on stderr: a rewritten line on a terminal, download steps otherwise."""

    WIDTH = 78

    def __init__(self, name: str, quiet: bool) -> None:
        self.name, self.quiet = name, quiet
        self.skipped = False
        # The outcome of making a faster runtime at install (stage converted/convert-failed).
        self.runtime: tuple[str, str] | None = None
        self._last = ""
        self._tty = sys.stderr.isatty()

    def __call__(self, p: Progress) -> None:
        if p.stage == "skipped":
            self.skipped = True
        if p.stage in ("converted", "convert-failed"):
            self.runtime = (p.stage, p.message)
        if self.quiet or not p.total:
            return
        if p.stage == "download":
            text = f"{self.name}: {p.message} ({p.done}/{p.total})"
        elif p.stage == "convert" and p.done < p.total:
            # minutes of silence otherwise: the export alone takes most of them
            text = f"{p.message} (step {p.done + 1}/{p.total})"
        elif p.stage in ("assemble", "extract", "check"):
            text = f"{self.name}: {p.stage} {100 * p.done // p.total}%"
        else:
            return
        if text == self._last:
            return
        self._last = text
        if self._tty:
            click.echo("\r" + text[: self.WIDTH].ljust(self.WIDTH), nl=False, err=True)
        elif p.stage in ("download", "convert") and p.done < p.total:
            click.echo(text, err=True)

    def finish(self) -> None:
        if self._tty and self._last:
            click.echo("\r" + " " * self.WIDTH + "\r", nl=False, err=True)


def _alias(store: ModelStore, name: str) -> str:
    """``multilingual``: the manifest's multilingual embedder (what `status` proposes)."""
    if name != "multilingual":
        return name
    found = [s.name for s in store.manifest() if s.role == "embed" and s.multilingual]
    return found[0] if found else name


@models_group.command("install")
@click.argument("names", nargs=-1)
@click.option("--defaults", is_flag=True, help="Install every default model.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of results.")
@click.pass_context
def install_cmd(ctx: click.Context, names: tuple[str, ...], defaults: bool, as_json: bool) -> None:
    """Download, assemble and verify models (by NAME, or --defaults; NAME ``multilingual`` is
    the multilingual embedder, which is not a default: it is 1.3 GB)."""
    store = _store(ctx)
    if bool(names) == defaults:
        raise click.UsageError("give model NAMEs or --defaults (not both)")
    wanted = [s.name for s in store.defaults()] if defaults else [_alias(store, n) for n in names]
    for name in wanted:
        store.spec(name)  # fail on an unknown name before downloading anything
    results = []
    store.models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=store.models_dir) as shared:
        for name in wanted:  # models from the same package share one download
            reporter = _Reporter(name, quiet=as_json)
            try:
                path = store.install(name, progress=reporter, download_dir=Path(shared))
            finally:
                reporter.finish()
            status = "already installed" if reporter.skipped else "installed"
            result = {"name": name, "status": status, "path": str(path)}
            if reporter.runtime is not None:
                result["runtime"] = reporter.runtime[0]
                result["runtime_message"] = reporter.runtime[1]
            results.append(result)
            if not as_json:
                click.echo(f"{name}: {status} at {path}")
                if reporter.runtime is not None:  # a failure is a warning: the model works
                    click.echo(reporter.runtime[1], err=reporter.runtime[0] == "convert-failed")
    if as_json:
        _json(results)


@models_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def verify_cmd(ctx: click.Context, as_json: bool) -> None:
    """Re-hash installed models; exit status 1 when any is corrupt."""
    results = _store(ctx).verify()
    if as_json:
        _json(
            [
                {
                    "name": r.name, "status": r.status, "path": str(r.path),
                    "expected": r.expected, "actual": r.actual, "size_bytes": r.size_bytes,
                }
                for r in results
            ]
        )  # fmt: skip
    else:
        rows = [[r.name, r.status, _size(r.size_bytes), r.path] for r in results]
        click.echo(_table(["NAME", "STATUS", "SIZE", "PATH"], rows))
    if any(r.status == "mismatch" for r in results):
        ctx.exit(1)


@models_group.command("discover")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def discover_cmd(ctx: click.Context, dirs: tuple[Path, ...], as_json: bool) -> None:
    """Find GGUF models on this machine (LM Studio, GPT4All, Ollama, ...) and in DIRs."""
    for d in dirs:
        if not d.exists():
            raise ModelError(f"no such folder: {d}")
    found = _store(ctx).discover(extra_dirs=dirs)
    if as_json:
        _json(
            [
                {
                    "name": m.name, "source": m.source, "path": str(m.path),
                    "size_bytes": m.size_bytes, "architecture": m.architecture,
                    "quantization": m.quantization, "context_length": m.context_length,
                    "chat_template": m.has_chat_template, "model_name": m.model_name,
                }
                for m in found
            ]
        )  # fmt: skip
        return
    if not found:
        click.echo("no GGUF models found")
        return
    rows = [
        [m.name, m.source, m.architecture, m.quantization, m.context_length,
         _size(m.size_bytes), m.path]
        for m in found
    ]  # fmt: skip
    click.echo(_table(["NAME", "SOURCE", "ARCH", "QUANT", "CONTEXT", "SIZE", "PATH"], rows))
