"""The answer log's tables (migrations m003 and m005): one row per answer given, and the
feedback on it, keyed by the row's id (``Answer.log_id``).

The log shares the index's SQLite connection, so each write holds the index's lock: it must
never commit (or interleave with) an indexing thread's open transaction.
"""

from __future__ import annotations

import json
import threading
import time

import sqlite_utils

from sourcewise.core.errors import SourcewiseError
from sourcewise.core.types import Answer, LoggedAnswer, SearchHit

TOP_SCORES = 5

# Ratings are made by answer id (``answer_feedback``); rows logged before m005 may instead
# carry the chat message they were linked to, and that message's rating.
_ROWS = """
SELECT a.id, a.created, a.question, a.answer, a.abstained, a.top_score, a.ttft_ms, a.total_ms,
       a.model, a.adapter, COALESCE(af.rating, f.rating),
       CASE WHEN af.rating IS NOT NULL THEN af.comment ELSE f.comment END
FROM answer_log a
LEFT JOIN answer_feedback af ON af.log_id = a.id
LEFT JOIN feedback f ON f.message_id = a.message_id
WHERE a.created >= ? ORDER BY a.created, a.id
"""


class AnswerLog:
    def __init__(self, db: sqlite_utils.Database, lock: threading.RLock | None = None) -> None:
        self.db = db
        self.lock = lock or threading.RLock()

    def record(
        self,
        answer: Answer,
        hits: list[SearchHit],
        model: str,
        adapter: str | None,
        *,
        total_ms: float | None = None,
    ) -> int:
        """Write one answer's row; returns its id."""
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

    def rate(self, log_id: int, rating: int, comment: str = "") -> None:
        """Thumbs up (+1) or down (-1) on answer ``log_id``; rating again replaces it."""
        if rating not in (1, -1):
            raise SourcewiseError("a rating is +1 or -1")
        with self.lock, self.db.conn:
            if (
                self.db.execute("SELECT 1 FROM answer_log WHERE id = ?", [log_id]).fetchone()
                is None
            ):
                raise SourcewiseError(f"no answer with id {log_id}")
            self.db.execute(
                "INSERT INTO answer_feedback (log_id, rating, comment, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(log_id) DO UPDATE SET rating = excluded.rating, "
                "comment = excluded.comment, created = excluded.created",
                [log_id, rating, comment, time.time()],
            )

    def rows(self, since: float | None = None) -> list[LoggedAnswer]:
        """Every answer since ``since``, oldest first, with its rating (made by answer id, or
        on the chat message that stored the answer)."""
        return [LoggedAnswer(int(r[0]), float(r[1]), str(r[2]), str(r[3]), bool(r[4]),
                             None if r[5] is None else float(r[5]), float(r[6]), float(r[7]),
                             str(r[8]), r[9], None if r[10] is None else int(r[10]),
                             str(r[11] or ""))
                for r in self.db.execute(_ROWS, [since or 0.0]).fetchall()]  # fmt: skip
