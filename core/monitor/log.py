"""The answer log: one row per ``Engine.answers.ask`` (tables in
:mod:`sourcewise.core.store.answer_log`).

``Engine.answers.ask`` wraps its search function with :meth:`Recording` (to see the retrieval
scores) and calls :meth:`Recording.finish` with the answer; the row's id travels on the answer
as ``Answer.log_id``, and feedback names that id (``Engine.answers.feedback``). Logging never
fails an answer: a database error is logged and dropped.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from sourcewise.core.store.answer_log import AnswerLog
from sourcewise.core.types import Answer, SearchFilters, SearchFn, SearchHit

__all__ = ["AnswerLog", "Recording"]


log = logging.getLogger(__name__)


class Recording:
    """One answer being made: keeps the hits its search returned."""

    def __init__(self, answer_log: AnswerLog, search: SearchFn) -> None:
        self._log = answer_log
        self._search = search
        self._start = time.perf_counter()
        self.hits: list[SearchHit] = []

    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None
    ) -> list[SearchHit]:
        self.hits = self._search(query, k, filters)
        return self.hits

    def finish(self, answer: Answer, model: str, adapter: str | None) -> int | None:
        """Write the row; returns its id (None when the database refused)."""
        elapsed = (time.perf_counter() - self._start) * 1000
        try:
            return self._log.record(answer, self.hits, model, adapter, total_ms=elapsed)
        except sqlite3.Error as err:
            log.warning("answer not logged: %s", err)
            return None
