"""What every command shares: settings built from all layers, and a lazily built engine."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import click

from sourcewise.core.engine import Engine
from sourcewise.core.progress import CancelToken
from sourcewise.core.settings import Settings
from sourcewise.core.types import to_json


@dataclass
class CliState:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self) -> Engine:
        if self._engine is None:
            from sourcewise.core.factory import build_engine

            self._engine = build_engine(self.settings)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()


def state(ctx: click.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


@contextlib.contextmanager
def cancel_on_ctrl_c(job: str) -> Iterator[CancelToken]:
    """A token the first Ctrl+C cancels, so the job stops at its next check and reports what
    it did; a second Ctrl+C quits at once. The previous handler is back afterwards."""
    token = CancelToken()
    if threading.current_thread() is not threading.main_thread():
        yield token  # signal handlers can only be set from the main thread
        return

    def on_sigint(_signum: int, _frame: FrameType | None) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        sys.stderr.write(f"\nstopping {job} after the files in flight (Ctrl+C again quits now)\n")

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield token
    finally:
        signal.signal(signal.SIGINT, previous)


def emit_json(data: Any) -> None:
    json.dump(to_json(data), sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def table(rows: list[list[str]], headers: list[str]) -> str:
    """Aligned plain-text columns."""
    cells = [headers, *rows]
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``--set llm.threads=2`` pairs as the nested dict pydantic-settings takes."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--set")
        node = out
        *parents, leaf = key.strip().split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = _scalar(value.strip())
    return out


def _scalar(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value
