"""Error types shared by every layer.

Two families, as in qutebrowser: :class:`SourcewiseError` is the environment's or the user's
fault (bad file, missing model, wrong flag) and carries a one-line message fit to show as is;
anything else is a bug. :class:`Cancelled` is not an error at all: callers treat it as a normal
end of a long operation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sourcewise.core.types import IndexReport


class SourcewiseError(Exception):
    """A problem the user can act on; ``str(err)`` is a complete one-line message."""


class ConfigError(SourcewiseError):
    """Settings that cannot be read or do not validate."""


class ModelError(SourcewiseError):
    """A model that is unknown, missing, corrupt or cannot be installed."""


NO_CHAT_MODEL = "no chat model is configured"  # a ModelError's message, wherever it is found


class StoreError(SourcewiseError):
    """The library's store (SQLite + FAISS, or PostgreSQL) cannot be opened or reached, or is in
    a state that blocks the operation; also an indexing job that cannot run at all."""


class ParseError(SourcewiseError):
    """A file that cannot be turned into text; ``kind`` is a stable status code."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Cancelled(Exception):
    """Raised inside a long operation when its cancel token was set. ``report`` is what was
    done before it stopped, when the operation has one to give (``Engine.library.index``: the
    partial :class:`~sourcewise.core.types.IndexReport`, its ``cancelled`` flag set)."""

    def __init__(self, message: str = "cancelled", report: IndexReport | None = None) -> None:
        super().__init__(message)
        self.report = report
