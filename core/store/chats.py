"""Conversations stored in the index database (tables from migration ``m002_chats``).

Answers keep their citations and timings as JSON so a conversation can be reopened, rated and
exported to Markdown with its sources as footnotes (by the clients:
``sourcewise.core.rendering.export``).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict
from typing import Any

import sqlite_utils

from sourcewise.core.errors import SourcewiseError
from sourcewise.core.store.answer_log import AnswerLog
from sourcewise.core.types import (
    Answer,
    ChatMessage,
    ChatTurn,
    Citation,
    ConversationInfo,
    Timings,
)

_TITLE_CHARS = 80


class ChatStore:
    """Create, list (``conversations``), read, append to, rate, delete and export conversations."""

    def __init__(self, db: sqlite_utils.Database, lock: threading.RLock | None = None) -> None:
        self.db = db
        # Pass the index's lock when sharing its connection: a chat write must never commit
        # (or interleave with) the indexing thread's open transaction.
        self._lock = lock or threading.RLock()

    # -- conversations -------------------------------------------------------------------------
    def create(self, title: str = "") -> int:
        now = time.time()
        with self._lock, self.db.conn:
            cur = self.db.execute(
                "INSERT INTO conversations (title, created, updated) VALUES (?, ?, ?)",
                [_title(title), now, now],
            )
        return int(cur.lastrowid or 0)

    def conversations(self) -> list[ConversationInfo]:
        """Most recently updated first."""
        rows = self.db.execute(
            "SELECT c.id, c.title, c.created, c.updated, COUNT(m.id) FROM conversations c "
            "LEFT JOIN messages m ON m.conversation_id = c.id GROUP BY c.id "
            "ORDER BY c.updated DESC, c.id DESC"
        ).fetchall()
        return [
            ConversationInfo(int(r[0]), str(r[1]), float(r[2]), float(r[3]), int(r[4]))
            for r in rows
        ]

    def get(self, conversation_id: int) -> ConversationInfo:
        for conv in self.conversations():
            if conv.id == conversation_id:
                return conv
        raise SourcewiseError(f"no conversation with id {conversation_id}")

    def delete(self, conversation_id: int) -> None:
        self._require(conversation_id)
        with self._lock, self.db.conn:
            # Explicit deletes: foreign_keys may be off on a connection opened elsewhere.
            self.db.execute(
                "DELETE FROM feedback WHERE message_id IN "
                "(SELECT id FROM messages WHERE conversation_id = ?)",
                [conversation_id],
            )
            self.db.execute("DELETE FROM messages WHERE conversation_id = ?", [conversation_id])
            self.db.execute("DELETE FROM conversations WHERE id = ?", [conversation_id])

    # -- messages ------------------------------------------------------------------------------
    def append(
        self,
        conversation_id: int,
        role: str,
        content: str,
        *,
        citations: list[Citation] | None = None,
        abstained: bool = False,
        timings: Timings | None = None,
        log_id: int | None = None,
    ) -> int:
        """Add a message; the first user message titles an untitled conversation. ``log_id``
        ties an answer to its answer-log row (``Answer.log_id``), so feedback finds it."""
        if role not in ("user", "assistant", "system"):
            raise SourcewiseError(f"unknown chat role {role!r}")
        self._require(conversation_id)
        now = time.time()
        cites = json.dumps([asdict(c) for c in citations or []], ensure_ascii=False)
        times = json.dumps(asdict(timings)) if timings is not None else None
        with self._lock, self.db.conn:
            cur = self.db.execute(
                "INSERT INTO messages (conversation_id, role, content, citations, abstained, "
                "timings, created, log_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [conversation_id, role, content, cites, int(abstained), times, now, log_id],
            )
            self.db.execute(
                "UPDATE conversations SET updated = ?, title = CASE WHEN title = '' AND ? = 'user' "
                "THEN ? ELSE title END WHERE id = ?",
                [now, role, _title(content), conversation_id],
            )
        return int(cur.lastrowid or 0)

    def append_answer(self, conversation_id: int, answer: Answer) -> int:
        return self.append(conversation_id, "assistant", answer.answer, citations=answer.citations,
                           abstained=answer.abstained, timings=answer.timings,
                           log_id=answer.log_id)  # fmt: skip

    def messages(self, conversation_id: int) -> list[ChatMessage]:
        self._require(conversation_id)
        rows = self.db.execute(
            "SELECT m.id, m.conversation_id, m.role, m.content, m.created, m.citations, "
            "m.abstained, m.timings, COALESCE(af.rating, f.rating), "
            "CASE WHEN af.rating IS NOT NULL THEN af.comment ELSE f.comment END, m.log_id "
            "FROM messages m LEFT JOIN feedback f ON f.message_id = m.id "
            "LEFT JOIN answer_feedback af ON af.log_id = m.log_id "
            "WHERE m.conversation_id = ? ORDER BY m.id",
            [conversation_id],
        ).fetchall()
        return [_message(r) for r in rows]

    def history(self, conversation_id: int) -> list[ChatTurn]:
        """User and assistant turns, for follow-up questions."""
        return [ChatTurn(m.role, m.content) for m in self.messages(conversation_id)
                if m.role in ("user", "assistant")]  # fmt: skip

    def rate(self, message_id: int, rating: int, comment: str = "") -> None:
        """Thumbs up (+1) or down (-1) on a message; rating it again replaces the old rating.
        An answer with an answer-log id is rated by that id (as ``Engine.answers.feedback``
        does)."""
        if rating not in (1, -1):
            raise SourcewiseError("a rating is +1 or -1")
        row = self.db.execute("SELECT log_id FROM messages WHERE id = ?", [message_id]).fetchone()
        if row is None:
            raise SourcewiseError(f"no message with id {message_id}")
        if row[0] is not None:
            AnswerLog(self.db, self._lock).rate(int(row[0]), rating, comment)
            return
        with self._lock, self.db.conn:
            self.db.execute(
                "INSERT INTO feedback (message_id, rating, comment, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(message_id) DO UPDATE SET rating = excluded.rating, "
                "comment = excluded.comment, created = excluded.created",
                [message_id, rating, comment, time.time()],
            )

    def _require(self, conversation_id: int) -> None:
        row = self.db.execute(
            "SELECT 1 FROM conversations WHERE id = ?", [conversation_id]
        ).fetchone()
        if row is None:
            raise SourcewiseError(f"no conversation with id {conversation_id}")


def _title(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _TITLE_CHARS else line[: _TITLE_CHARS - 1].rstrip() + "…"


def _message(row: tuple[Any, ...]) -> ChatMessage:
    cites = [Citation(**c) for c in json.loads(row[5] or "[]")]
    timings = Timings(**json.loads(row[7])) if row[7] else None
    return ChatMessage(id=int(row[0]), conversation_id=int(row[1]), role=str(row[2]),
                       content=str(row[3]), created=float(row[4]), citations=cites,
                       abstained=bool(row[6]), timings=timings,
                       rating=None if row[8] is None else int(row[8]), comment=str(row[9] or ""),
                       log_id=None if row[10] is None else int(row[10]))  # fmt: skip
