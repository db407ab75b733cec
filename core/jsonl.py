"""Reading user-supplied JSONL files (gold sets, training data) with line-numbered errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sourcewise.core.errors import SourcewiseError

T = TypeVar("T")


def read_jsonl(
    path: Path, parse: Callable[[Any, int], T | None], *, what: str, item: str, empty: str
) -> list[T]:
    """``parse(data, line_number)`` for each line that is not blank or a ``#`` comment; it
    returns None to skip a line. Unreadable files, bad lines (``ValueError``, ``TypeError``,
    ``KeyError``) and files with nothing in them raise :class:`SourcewiseError`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise SourcewiseError(f"cannot read {what} {path}: {err}") from err
    out: list[T] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            parsed = parse(json.loads(line), number)
        except (ValueError, TypeError, KeyError) as err:
            raise SourcewiseError(f"{path}:{number}: not a {item}: {err}") from err
        if parsed is not None:
            out.append(parsed)
    if not out:
        raise SourcewiseError(f"{what} {path} has no {empty}")
    return out
