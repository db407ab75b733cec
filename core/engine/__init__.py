"""The engine facade: the one object the CLI, the desktop app, the API server and tests use.

It is built in one place (:func:`sourcewise.core.factory.build_engine`, which makes the
:class:`~sourcewise.core.engine.parts.Parts` it hands over) from settings and optional injected
components, and made of four parts a client names:

- ``engine.library``: index, remove, status, documents, passages, folders, watch, search;
- ``engine.answers``: ask, summarize, feedback (on a logged or stored answer), the answer log;
- ``engine.conversations``: ask within a conversation; list, get, delete;
- ``engine.models``: which models run, which are missing, warming them up, a plain reply;

plus ``settings``, ``apply_settings`` (``dry_run=True``: which components new settings would
rebuild) and ``close``. Methods return the typed dataclasses of
:mod:`sourcewise.core.types`; ``ask`` takes its options as one
:class:`~sourcewise.core.types.AskOptions`; long calls take a progress callback and a cancel
token and raise :class:`~sourcewise.core.errors.Cancelled` when cancelled. No store, chat
store, pipeline or model object is handed out.
"""

from __future__ import annotations

from sourcewise.core.components import rebuilds_for
from sourcewise.core.engine.answers import Answers
from sourcewise.core.engine.conversations import Conversations
from sourcewise.core.engine.library import Library, ReportCallback
from sourcewise.core.engine.models import Models
from sourcewise.core.engine.parts import Parts
from sourcewise.core.settings import Component, Settings

__all__ = ["Engine", "ReportCallback"]


class Engine:
    """Ingestion, retrieval and answering over one data directory. Built by
    :func:`~sourcewise.core.factory.build_engine`, which makes its :class:`Parts`."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts
        self.library = Library(parts)
        self.answers = Answers(parts, self.library)
        self.conversations = Conversations(parts, self.answers)
        self.models = Models(parts)

    @property
    def settings(self) -> Settings:
        """The settings in use (replaced only through :meth:`apply_settings`)."""
        return self._parts.settings

    def apply_settings(self, new: Settings, *, dry_run: bool = False) -> set[Component]:
        """Use ``new`` from the next call on, rebuilding exactly the components whose settings
        changed (:func:`~sourcewise.core.components.rebuilds_for`); returns them. New parts
        are made before an old one is replaced, so a failure leaves the engine as it was. A
        change to the index or the embedder waits for a running indexing job. ``dry_run``:
        only say which components ``new`` would rebuild, and change nothing."""
        parts = rebuilds_for(self.settings, new)
        if dry_run:
            return parts
        if parts & {"models", "embedder", "index"}:
            with self._parts.write_lock:
                self._parts.rebuild(parts, new)
        else:
            self._parts.rebuild(parts, new)
        return parts

    def close(self) -> None:
        self._parts.close()
