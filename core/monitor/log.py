"""The answer log: one row per ``Engine.ask`` in the index database (migration m003).

``Engine.ask`` wraps its search function with :meth:`AnswerLog.start` (to see the retrieval
scores) and calls :meth:`Recording.finish` with the answer. Logging never fails an answer: a
database error is logged and dropped. Feedback lives with chat messages; a log row is linked to
its message (by answer text and time) when a report is made, see :meth:`AnswerLog.link_messages`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable

import sqlite_utils

from sourcewise.core.types import Answer, SearchFilters, SearchHit

SearchFn = Callable[[str, int | None, SearchFilters | None], list[SearchHit]]
TOP_SCORES = 5
LINK_WINDOW_S = 600.0  # a chat stores its answer right after ask returns; allow for slow disks

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


class AnswerLog:
    def __init__(self, db: sqlite_utils.Database, lock: threading.RLock | None = None) -> None:
        self.db = db
        self.lock = lock or threading.RLock()

    def start(self, search: SearchFn) -> Recording:
        return Recording(self, search)

    def record(
        self,
        answer: Answer,
        hits: list[SearchHit],
        model: str,
        adapter: str | None,
        *,
        total_ms: float | None = None,
    ) -> int:
        scores = [round(h.score, 4) for h in hits[:TOP_SCORES]]
        t = answer.timings
        with self.lock, self.db.conn:
            cur = self.db.execute(
                "INSERT INTO answer_log (created, question, standalone_query, answer, abstained, "
                "top_scores, top_score, citations, retrieve_ms, ttft_ms, total_ms, model, adapter) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [time.time(), answer.question, answer.standalone_query, answer.answer,
                 int(answer.abstained), json.dumps(scores), scores[0] if scores else None,
                 len(answer.citations), t.retrieve_ms, t.ttft_ms, t.total_ms or total_ms or 0.0,
                 model, adapter],
            )  # fmt: skip
        return int(cur.lastrowid or 0)

    def link_message(self, log_id: int, message_id: int) -> None:
        """Tie a log row to the chat message that stored its answer."""
        with self.lock, self.db.conn:
            self.db.execute(
                "UPDATE answer_log SET message_id = ? WHERE id = ?", [message_id, log_id]
            )

    def link_messages(self) -> int:
        """Link each unlinked row to the first assistant message with the same text stored
        within ``LINK_WINDOW_S`` after it and not linked yet; returns how many were linked."""
        linked = 0
        with self.lock, self.db.conn:
            taken = {int(r[0]) for r in self.db.execute(
                "SELECT message_id FROM answer_log WHERE message_id IS NOT NULL")}  # fmt: skip
            rows = self.db.execute(
                "SELECT id, answer, created FROM answer_log WHERE message_id IS NULL ORDER BY id"
            ).fetchall()
            for log_id, text, created in rows:
                candidates = self.db.execute(
                    "SELECT id FROM messages WHERE role = 'assistant' AND content = ? "
                    "AND created BETWEEN ? AND ? ORDER BY created, id",
                    [text, created - 1, created + LINK_WINDOW_S],
                ).fetchall()
                free = [int(c[0]) for c in candidates if int(c[0]) not in taken]
                if free:
                    self.db.execute(
                        "UPDATE answer_log SET message_id = ? WHERE id = ?", [free[0], log_id]
                    )
                    taken.add(free[0])
                    linked += 1
        return linked
