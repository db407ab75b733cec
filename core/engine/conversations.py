"""The conversations part of the facade: stored chats, and asking within one — the one path
the desktop chat, ``sourcewise chat``, ``serve`` and ``mcp`` share."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import replace

from sourcewise.core.engine.answers import Answers
from sourcewise.core.engine.parts import Parts
from sourcewise.core.types import (
    AskOptions,
    ChatTurn,
    ConversationInfo,
    ConversationTurn,
    StoredConversation,
)


class Conversations:
    """Stored conversations (``engine.conversations``), where the answer log is (an answer in
    one is rated through ``engine.answers.feedback``)."""

    def __init__(self, parts: Parts, answers: Answers) -> None:
        self._parts = parts
        self._answers = answers

    def ask(
        self,
        conversation_id: int | None,
        question: str,
        options: AskOptions | None = None,
        *,
        on_stored: Callable[[int], None] | None = None,
    ) -> ConversationTurn:
        """One turn: the question is stored first (a new conversation when
        ``conversation_id`` is None; ``on_stored`` gets its id), then answered as
        :meth:`Answers.ask <sourcewise.core.engine.answers.Answers.ask>` answers, with
        ``options.history`` (None: the conversation's answered turns), and the answer stored
        after it. A stopped or failed turn leaves its question stored, unanswered: it is
        shown, but not passed on as history."""
        options = options or AskOptions()
        chats = self._parts.chats
        cid = chats.create() if conversation_id is None else conversation_id
        if options.history is None:
            options = replace(options, history=self._history(cid))
        chats.append(cid, "user", question)
        if on_stored is not None:
            on_stored(cid)
        answer = self._answers.ask(question, options)
        return ConversationTurn(answer, cid, chats.append_answer(cid, answer))

    def _history(self, conversation_id: int) -> builtins.list[ChatTurn]:
        """The answered turns, for follow-up questions (a question left unanswered is not)."""
        turns = self._parts.chats.history(conversation_id)
        out: builtins.list[ChatTurn] = []
        for i, turn in enumerate(turns):
            nxt = turns[i + 1].role if i + 1 < len(turns) else None
            if turn.role != "user" or nxt == "assistant":
                out.append(turn)
        return out

    def list(self) -> builtins.list[ConversationInfo]:
        """Every conversation, the latest first."""
        return self._parts.chats.conversations()

    def get(self, conversation_id: int) -> StoredConversation:
        """One conversation with its messages, oldest first (a stopped turn's question
        included); SourcewiseError when there is none."""
        chats = self._parts.chats
        return StoredConversation(chats.get(conversation_id), chats.messages(conversation_id))

    def delete(self, conversation_id: int) -> None:
        self._parts.chats.delete(conversation_id)
