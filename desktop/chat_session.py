"""Answering and stored conversations: ask, stop, regenerate, rate, switch, delete, export.

Answers run as jobs on the window's worker thread, which also stores the question and the
answer. Conversations live in the engine's chat store (``engine.conversations``): reads are
millisecond SQLite statements made on the UI thread, so switching conversations never waits
behind an indexing job. Writes (ratings, deletes) run on their own ``writer`` thread: they
hold the index lock (the chat store shares the index's SQLite connection, whose transaction
an indexing thread may have open), and an indexing job holds it through an IVF rebuild, so
the UI thread never takes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sourcewise.core.engine import Engine
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.progress import Progress
from sourcewise.core.rendering.export import conversation_markdown
from sourcewise.core.types import AskOptions, Citation, ConversationTurn
from sourcewise.desktop.chat_panel import ChatPanel
from sourcewise.desktop.conversation import NOT_IN_DOCUMENTS, from_messages
from sourcewise.desktop.conversations_panel import ConversationsPanel
from sourcewise.desktop.qt import QFileDialog, QInputDialog, QMessageBox, QObject, QWidget, Signal
from sourcewise.desktop.scope import ChatScope
from sourcewise.desktop.sources_panel import SourceItem, SourcesPanel
from sourcewise.desktop.workers import Job, JobRunner


class ChatSession(QObject):
    answer_finished = Signal(object)  # Answer, or None when stopped or failed
    conversations_changed = Signal()
    stored = Signal(str)  # a write on the writer thread is done: "rating", "delete"
    status = Signal(str, int)  # message, timeout (ms)

    def __init__(self, runner: JobRunner, chat: ChatPanel, conversations: ConversationsPanel,
                 sources: SourcesPanel, parent: QWidget, writer: JobRunner) -> None:  # fmt: skip
        super().__init__(parent)
        self.runner, self.writer = runner, writer
        self.chat, self.conversations, self.sources = chat, conversations, sources
        self.parent_widget = parent
        self.engine: Engine | None = None
        self.job: Job | None = None
        self._rating: tuple[int, int] | None = None  # (answer index, rating) being saved
        self._deleting: int | None = None
        self.scope: ChatScope | None = None  # None: the whole library
        chat.scope_bar.cleared.connect(lambda: self.set_scope(None))
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
    def _write(self, name: str, fn: Callable[[Engine], Any],
               done: Callable[[Any], None]) -> bool:  # fmt: skip
        """Run a chat-store write on the writer thread; ``done`` (a bound method: it must run
        on the UI thread) gets its result."""
        engine = self.engine
        if engine is None:
            return False
        job = Job(name, lambda _job: fn(engine))
        job.signals.finished.connect(done)
        job.signals.failed.connect(self._on_write_failed)
        self.writer.start(job)
        return True

    def _on_write_failed(self, message: str) -> None:
        self._rating = self._deleting = None
        self.status.emit(f"Could not save the conversation: {message}", 10_000)

    def refresh_list(self) -> None:
        if self.engine is not None:
            convs = self.engine.conversations.list()
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
        conv_id = conv.id
        filters = self.scope.filters if self.scope is not None else None

        def work(job: Job) -> ConversationTurn:
            # Stored on this thread, which may wait for the index lock; the UI never does.
            options = AskOptions(filters=filters, history=history, on_token=job.emit_token,
                                 on_sources=job.signals.sources.emit,
                                 progress=job.report_progress, cancel=job.cancel_token)  # fmt: skip
            return engine.conversations.ask(conv_id, question, options,
                                            on_stored=job.signals.partial.emit)  # fmt: skip

        self.chat.begin_answer(question)
        job = Job("answer", work)
        job.signals.token.connect(self.chat.append_token)
        job.signals.sources.connect(self._on_retrieved)
        job.signals.progress.connect(self._on_reading)
        job.signals.partial.connect(self._on_question_stored)
        job.signals.finished.connect(self._on_answer)
        job.signals.cancelled.connect(self._on_stopped)
        job.signals.failed.connect(self._on_failed)
        self.job = job
        self.runner.start(job)

    def set_scope(self, scope: ChatScope | None) -> None:
        """Ask the next questions within ``scope`` (None: the whole library)."""
        self.scope = scope
        self.chat.scope_bar.set_scope(scope)
        where = scope.label if scope is not None else "the whole library"
        self.status.emit(f"Questions now go to {where}", 5_000)

    def _on_reading(self, p: Progress) -> None:
        """A whole-document answer's progress: one section after another."""
        if p.stage == "reading":
            self.status.emit(f"Reading section {p.done} of {p.total}: {p.message}", 0)

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

    def _on_retrieved(self, cites: list[Citation]) -> None:
        """Retrieval is done: show what the model is reading while it reads."""
        conv = self.chat.conversation
        if conv.last is None:
            return
        conv.last.retrieved = list(cites)
        self.chat.refresh_last()
        items = [SourceItem.from_citation(c) for c in cites]
        self.sources.set_sources(items, key=len(conv.exchanges) - 1, title="Passages being read")

    def _on_question_stored(self, conversation_id: int) -> None:
        if self.chat.conversation.id is None:
            self.chat.conversation.id = conversation_id
        self.refresh_list()

    def _on_answer(self, result: ConversationTurn) -> None:
        self.job = None
        answer = result.answer
        conv, ex = self.chat.conversation, self.chat.conversation.last
        if ex is not None and conv.id == result.conversation_id:
            ex.message_id = result.message_id
        self.chat.finish_answer(answer)
        self.show_sources(len(conv.exchanges) - 1)
        if self.sources.items:
            self.sources.select(self.sources.items[0].n)
        self.refresh_list()
        self.answer_finished.emit(answer)

    def _on_stopped(self) -> None:
        self.job = None
        self.chat.stop_answer()
        self.refresh_list()
        self.answer_finished.emit(None)

    def _on_failed(self, message: str) -> None:
        self.job = None
        self.chat.fail_answer(message)
        self.refresh_list()
        self.answer_finished.emit(None)

    # -- ratings ---------------------------------------------------------------------------------
    def rate(self, index: int, rating: int, comment: str | None = None) -> bool:
        """Thumbs up (+1) or down (-1) on answer ``index``, with an optional comment (asked
        for when ``comment`` is None; cancelling the question cancels the rating). Saved on
        the writer thread, by the answer's log id; ``stored`` says when it is."""
        exchanges = self.chat.conversation.exchanges
        if not 0 <= index < len(exchanges) or self._rating is not None:
            return False
        ex = exchanges[index]
        log_id = ex.answer.log_id if ex.answer is not None else None
        message_id = ex.message_id
        if log_id is None and message_id is None:
            return False
        if comment is None:
            comment = self.ask_comment(rating)
            if comment is None:
                return False
        text = comment

        def save(engine: Engine) -> None:
            if log_id is not None:
                engine.answers.feedback(rating=rating, comment=text, log_id=log_id)
            else:  # stored before answers carried their log id
                engine.answers.feedback(rating=rating, comment=text, message_id=message_id)

        self._rating = (index, rating)
        if not self._write("rating", save, self._on_rated):
            self._rating = None
            return False
        return True

    def _on_rated(self, _result: object) -> None:
        if self._rating is None:
            return
        (index, rating), self._rating = self._rating, None
        exchanges = self.chat.conversation.exchanges
        if index < len(exchanges):
            exchanges[index].rating = rating
            self.chat.render_now()
        self.status.emit("Thanks: your rating is saved with the conversation", 4000)
        self.stored.emit("rating")

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
            messages = engine.conversations.get(conversation_id).messages
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
        if self.busy or self._deleting is not None or not self.confirm_delete(title):
            return
        self._deleting = conversation_id
        self._write("delete", lambda engine: engine.conversations.delete(conversation_id),
                    self._on_deleted)  # fmt: skip

    def _on_deleted(self, _result: object) -> None:
        conversation_id, self._deleting = self._deleting, None
        if conversation_id is not None and self.chat.conversation.id == conversation_id:
            self.chat.new_chat()
        self.refresh_list()
        self.stored.emit("delete")

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
            conversation = engine.conversations.get(conversation_id)
            target = path or self.ask_export_path(_file_name(conversation.info.title))
            if target is None:
                return None
            target.write_text(conversation_markdown(conversation), encoding="utf-8")
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
        elif ex.retrieved:  # an answer that cites nothing: the passages it read, still shown
            items = [SourceItem.from_citation(c) for c in ex.retrieved]
            self.sources.set_sources(items, key=index, title="Passages read (none cited)")
        else:
            self.sources.set_sources([], key=index, empty_text="This answer cites no sources.")

    def show_citation(self, index: int, n: int) -> None:
        if self.sources.key != index:
            self.show_sources(index)
        self.sources.select(n)


def _file_name(title: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title).strip()
    return ("-".join(safe.split())[:60] or "conversation") + ".md"
