"""Answering and stored conversations: ask, stop, regenerate, rate, switch, delete, export.

Answers run as jobs on the window's worker thread. Conversations live in the engine's chat
store (:attr:`Engine.chats`); its calls are millisecond SQLite statements made on the UI
thread, so switching conversations never waits behind an indexing job. Writes hold the
index lock: the chat store shares the index's SQLite connection, whose transaction an
indexing thread may have open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sourcewise.core.chat.store import ChatStore
from sourcewise.core.engine import Engine
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.types import Answer
from sourcewise.desktop.chat_panel import ChatPanel
from sourcewise.desktop.conversation import NOT_IN_DOCUMENTS, from_messages
from sourcewise.desktop.conversations_panel import ConversationsPanel
from sourcewise.desktop.qt import QFileDialog, QInputDialog, QMessageBox, QObject, QWidget, Signal
from sourcewise.desktop.sources_panel import SourceItem, SourcesPanel
from sourcewise.desktop.workers import Job, JobRunner

T = TypeVar("T")


class ChatSession(QObject):
    answer_finished = Signal(object)  # Answer, or None when stopped or failed
    conversations_changed = Signal()
    status = Signal(str, int)  # message, timeout (ms)

    def __init__(self, runner: JobRunner, chat: ChatPanel, conversations: ConversationsPanel,
                 sources: SourcesPanel, parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self.runner, self.chat, self.conversations, self.sources = (
            runner,
            chat,
            conversations,
            sources,
        )
        self.parent_widget = parent
        self.engine: Engine | None = None
        self.job: Job | None = None
        chat.stop_requested.connect(self.stop)
        chat.regenerate_requested.connect(self.regenerate)
        chat.rate_requested.connect(self.rate)
        chat.citation_clicked.connect(self.show_citation)
        chat.new_chat_started.connect(self._on_new_chat)
        conversations.open_requested.connect(self.open_conversation)
        conversations.new_requested.connect(chat.new_chat)
        conversations.delete_requested.connect(self.delete)
        conversations.export_requested.connect(self.export)

    # -- the chat store --------------------------------------------------------------------------
    def _write(self, fn: Callable[[ChatStore], T]) -> T | None:
        engine = self.engine
        if engine is None:
            return None
        try:
            with engine.index_store.lock:
                return fn(engine.chats)
        except SourcewiseError as err:
            self.status.emit(f"Could not save the conversation: {err}", 10_000)
            return None

    def _save(self, fn: Callable[[ChatStore], object]) -> bool:
        def run(store: ChatStore) -> bool:
            fn(store)
            return True

        return self._write(run) is True

    def refresh_list(self) -> None:
        if self.engine is not None:
            convs = self.engine.chats.conversations()
            self.conversations.set_conversations(convs, current=self.chat.conversation.id)
            self.conversations_changed.emit()

    # -- answering -------------------------------------------------------------------------------
    def ask(self, question: str, *, regenerate: bool = False) -> None:
        """Answer ``question`` with the conversation so far as history (without the last
        exchange when regenerating it); the question and the answer are stored."""
        engine = self.engine
        if engine is None or self.job is not None:
            return
        conv = self.chat.conversation
        history = conv.history(len(conv.exchanges) - 1 if regenerate else None)
        if conv.id is None:
            conv.id = self._write(lambda s: s.create())
        conv_id = conv.id
        if conv_id is not None:
            self._write(lambda s: s.append(conv_id, "user", question))
            self.refresh_list()
        self.chat.begin_answer(question)
        job = Job("answer", lambda j: engine.ask(question, history=history,
                                                 on_token=j.emit_token, cancel=j.cancel_token))  # fmt: skip
        job.signals.token.connect(self.chat.append_token)
        job.signals.finished.connect(self._on_answer)
        job.signals.cancelled.connect(self._on_stopped)
        job.signals.failed.connect(self._on_failed)
        self.job = job
        self.runner.start(job)

    def regenerate(self) -> None:
        """Ask the last question again (a new answer, without the old one as history)."""
        last = self.chat.conversation.last
        if last is not None and last.question and self.job is None:
            self.ask(last.question, regenerate=True)

    def stop(self) -> None:
        if self.job is not None:
            self.job.cancel()

    @property
    def busy(self) -> bool:
        return self.job is not None

    def _on_answer(self, answer: Answer) -> None:
        self.job = None
        conv, ex = self.chat.conversation, self.chat.conversation.last
        conv_id = conv.id
        if ex is not None and conv_id is not None:
            ex.message_id = self._write(lambda s: s.append_answer(conv_id, answer))
        self.chat.finish_answer(answer)
        self.show_sources(len(conv.exchanges) - 1)
        if self.sources.items:
            self.sources.select(self.sources.items[0].n)
        self.refresh_list()
        self.answer_finished.emit(answer)

    def _on_stopped(self) -> None:
        self.job = None
        self.chat.stop_answer()
        self.answer_finished.emit(None)

    def _on_failed(self, message: str) -> None:
        self.job = None
        self.chat.fail_answer(message)
        self.answer_finished.emit(None)

    # -- ratings ---------------------------------------------------------------------------------
    def rate(self, index: int, rating: int, comment: str | None = None) -> bool:
        """Thumbs up (+1) or down (-1) on answer ``index``, with an optional comment (asked
        for when ``comment`` is None; cancelling the question cancels the rating)."""
        exchanges = self.chat.conversation.exchanges
        if not 0 <= index < len(exchanges) or exchanges[index].message_id is None:
            return False
        ex = exchanges[index]
        if comment is None:
            comment = self.ask_comment(rating)
            if comment is None:
                return False
        message_id = ex.message_id
        assert message_id is not None
        if not self._save(lambda s: s.rate(message_id, rating, comment)):
            return False
        ex.rating = rating
        self.chat.render_now()
        self.status.emit("Thanks: your rating is saved with the conversation", 4000)
        return True

    def ask_comment(self, rating: int) -> str | None:
        label = "What was good about it?" if rating > 0 else "What was wrong or missing?"
        text, ok = QInputDialog.getText(self.parent_widget, "Rate this answer",
                                        f"{label} (optional)")  # fmt: skip
        return str(text).strip() if ok else None

    # -- conversations ---------------------------------------------------------------------------
    def open_conversation(self, conversation_id: int) -> bool:
        engine = self.engine
        if engine is None or self.busy:
            self.conversations.select(self.chat.conversation.id)
            return False
        try:
            messages = engine.chats.messages(conversation_id)
        except SourcewiseError as err:
            self.status.emit(str(err), 8000)
            self.refresh_list()
            return False
        self.chat.load(from_messages(conversation_id, messages))
        self.conversations.select(conversation_id)
        exchanges = self.chat.conversation.exchanges
        answered = [i for i, ex in enumerate(exchanges) if ex.state == "done"]
        if answered:
            self.show_sources(answered[-1])
        else:
            self.sources.clear()
        return True

    def _on_new_chat(self) -> None:
        self.sources.clear()
        self.conversations.select(None)

    def delete(self, conversation_id: int) -> None:
        conv = next((c for c in self.conversations.conversations if c.id == conversation_id), None)
        title = conv.title if conv is not None else "this conversation"
        if self.busy or not self.confirm_delete(title):
            return
        self._save(lambda s: s.delete(conversation_id))
        if self.chat.conversation.id == conversation_id:
            self.chat.new_chat()
        self.refresh_list()

    def confirm_delete(self, title: str) -> bool:
        answer = QMessageBox.question(self.parent_widget, "Delete conversation",
                                      f"Delete “{title}”? This cannot be undone.")  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def export(self, conversation_id: int, path: Path | None = None) -> Path | None:
        """Save a conversation as Markdown (its citations as footnotes)."""
        engine = self.engine
        if engine is None:
            return None
        try:
            text = engine.chats.export_markdown(conversation_id)
            title = engine.chats.get(conversation_id).title
            target = path or self.ask_export_path(_file_name(title))
            if target is None:
                return None
            target.write_text(text, encoding="utf-8")
        except (SourcewiseError, OSError) as err:
            self.status.emit(f"Could not export the conversation: {err}", 10_000)
            return None
        self.status.emit(f"Exported to {target}", 6000)
        return target

    def export_current(self) -> None:
        if self.chat.conversation.id is not None:
            self.export(self.chat.conversation.id)

    def ask_export_path(self, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent_widget, "Export conversation",
                                              str(Path.home() / suggested),
                                              "Markdown (*.md)")  # fmt: skip
        return Path(name) if name else None

    # -- sources ---------------------------------------------------------------------------------
    def show_sources(self, index: int) -> None:
        """Show the sources of answer ``index``: its citations, or the nearest passages."""
        exchanges = self.chat.conversation.exchanges
        if not 0 <= index < len(exchanges):
            return
        ex = exchanges[index]
        abstained = ex.answer is not None and ex.answer.abstained
        if ex.citations:
            items = [SourceItem.from_citation(c) for c in ex.citations]
            self.sources.set_sources(items, key=index)
        elif ex.nearest:
            items = [SourceItem.from_hit(h) for h in ex.nearest]
            title = f"{NOT_IN_DOCUMENTS} — nearest passages" if abstained else "Nearest passages"
            self.sources.set_sources(items, key=index, title=title)
        elif abstained:
            self.sources.set_sources([], key=index, title=NOT_IN_DOCUMENTS,
                                     empty_text="No passage came close to this question.")  # fmt: skip
        else:
            self.sources.set_sources([], key=index, empty_text="This answer cites no sources.")

    def show_citation(self, index: int, n: int) -> None:
        if self.sources.key != index:
            self.show_sources(index)
        self.sources.select(n)


def _file_name(title: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title).strip()
    return ("-".join(safe.split())[:60] or "conversation") + ".md"
