"""The chat panel: the conversation (Markdown, answers streaming in) and the question box.

The panel keeps the conversation's state and renders it; the window runs the engine calls and
feeds tokens and results back in. Citation markers are links; clicking one emits
``citation_clicked(answer_index, n)``.
"""

from __future__ import annotations

from sourcewise.core.types import Answer
from sourcewise.desktop.conversation import (
    Conversation,
    Exchange,
    parse_cite_link,
    parse_rate_link,
    plain_answer,
    render,
)
from sourcewise.desktop.qt import (
    QDesktopServices,
    QFrame,
    QGuiApplication,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    Qt,
    QTextBrowser,
    QTimer,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from sourcewise.desktop.scope import ScopeBar

ASK_HINT = "Ask a question about your documents"
ASK_DETAIL = "Answers cite the passages they use: click a [1] marker to see it in its document."
EMPTY_LIBRARY_DETAIL = "Drop folders here to index them, then ask a question."
RENDER_INTERVAL_MS = 40  # streamed tokens are drawn at most 25 times a second


SEND_KEYS = {"enter": "Enter", "ctrl+enter": "Ctrl+Enter"}  # desktop.send_key -> shown name
NEWLINE_KEYS = {"enter": "Shift+Enter", "ctrl+enter": "Enter"}


class QuestionEdit(QPlainTextEdit):
    """The question box. ``send_key`` "enter": Enter sends and Shift+Enter starts a new line,
    as in chat apps; "ctrl+enter": Ctrl+Enter sends and Enter starts a new line. Ctrl+Enter
    sends in both (the Chat menu's shortcut)."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.send_key = "enter"

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
        elif self._sends(event):
            self.submitted.emit()
        else:
            # A new paragraph, not Qt's Shift+Enter line separator (U+2028), so the question
            # reads the same whichever key made the line.
            self.insertPlainText("\n")
            self.ensureCursorVisible()

    def _sends(self, event: QKeyEvent) -> bool:
        # The keypad's Enter carries KeypadModifier: it is still Enter.
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods & Qt.KeyboardModifier.ControlModifier:
            return True
        return self.send_key == "enter" and mods == Qt.KeyboardModifier.NoModifier


class ChatPanel(QWidget):
    ask_requested = Signal(str)
    stop_requested = Signal()
    citation_clicked = Signal(int, int)  # answer index, citation number
    rate_requested = Signal(int, int)  # answer index, rating (+1 / -1)
    regenerate_requested = Signal()
    new_chat_started = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conversation = Conversation()
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self.open_link)
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.hint.setFrameShape(QFrame.Shape.StyledPanel)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(self.view)
        self.scope_bar = ScopeBar()
        self.input = QuestionEdit()
        self.input.setFixedHeight(self.input.fontMetrics().lineSpacing() * 4 + 12)
        self.input.submitted.connect(self.submit)
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(self.submit)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the answer (Esc)")
        self.stop_button.clicked.connect(self.stop_requested)
        self.new_button = QPushButton("New chat")
        self.new_button.setToolTip("Start a new conversation (Ctrl+N)")
        self.new_button.clicked.connect(self.new_chat)
        self.copy_button = QPushButton("Copy answer")
        self.copy_button.setToolTip("Copy the last answer and its sources")
        self.copy_button.clicked.connect(self.copy_answer)
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setToolTip("Ask the last question again (Ctrl+R)")
        self.regenerate_button.clicked.connect(self.regenerate_requested)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.copy_button, self.regenerate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.scope_bar)
        layout.addWidget(self.input)
        layout.addLayout(buttons)
        self._render_timer = QTimer(self, singleShot=True, interval=RENDER_INTERVAL_MS)
        self._render_timer.timeout.connect(self.render_now)
        self._library_empty = True
        self._detail: str | None = None
        self._ready = True
        self.busy = False
        self.set_send_key("enter")
        self._update_state()

    def set_send_key(self, key: str) -> None:
        """Which key sends (``desktop.send_key``); the hints name it."""
        key = key if key in SEND_KEYS else "enter"
        self.input.send_key = key
        self.input.setPlaceholderText(f"{ASK_HINT}… ({SEND_KEYS[key]} to send, "
                                      f"{NEWLINE_KEYS[key]} for a new line)")  # fmt: skip
        self.send_button.setToolTip(f"Send the question ({SEND_KEYS[key]})")

    # -- state -------------------------------------------------------------------------------
    def set_library_empty(self, empty: bool, detail: str | None = None) -> None:
        """Adapt the empty-state hint; ``detail`` replaces its second line (e.g. "Indexing…")."""
        self._library_empty = empty
        self._detail = detail
        self._update_state()

    def set_ready(self, ready: bool) -> None:
        """Whether questions can be sent (False until the engine has started)."""
        self._ready = ready
        self._update_state()

    def _update_state(self) -> None:
        detail = self._detail or (EMPTY_LIBRARY_DETAIL if self._library_empty else ASK_DETAIL)
        self.hint.setText(f"<h2>{ASK_HINT}</h2><p>{detail}</p>")
        self.stack.setCurrentWidget(self.view if self.conversation.exchanges else self.hint)
        self.send_button.setEnabled(self._ready and not self.busy)
        self.stop_button.setEnabled(self.busy)
        self.copy_button.setEnabled(self.conversation.last_answered() is not None)
        self.regenerate_button.setEnabled(self.can_regenerate)
        self.new_button.setEnabled(bool(self.conversation.exchanges) and not self.busy)

    # -- asking ------------------------------------------------------------------------------
    def submit(self) -> None:
        question = self.input.toPlainText().strip()
        if not question or self.busy or not self._ready:
            return
        self.input.clear()
        self.ask_requested.emit(question)

    def begin_answer(self, question: str) -> int:
        """Add a question whose answer is about to stream in; returns its index."""
        self.conversation.exchanges.append(Exchange(question))
        self.busy = True
        self.render_now()
        self._update_state()
        return len(self.conversation.exchanges) - 1

    def refresh_last(self) -> None:
        """Re-render the exchange being answered (its waiting note changed)."""
        if not self._render_timer.isActive():
            self._render_timer.start()

    def append_token(self, text: str) -> None:
        ex = self.conversation.last
        if ex is None or ex.state not in ("waiting", "streaming"):
            return
        ex.state = "streaming"
        ex.text += text
        if not self._render_timer.isActive():
            self._render_timer.start()

    def finish_answer(self, answer: Answer) -> None:
        self._end("done", answer=answer)

    def stop_answer(self) -> None:
        self._end("stopped")

    def fail_answer(self, message: str) -> None:
        self._end("failed", error=message)

    def _end(self, state: str, answer: Answer | None = None, error: str = "") -> None:
        ex = self.conversation.last
        if ex is None:
            return
        ex.state = state  # type: ignore[assignment]
        ex.error = error
        if answer is not None:
            ex.answer = answer
            ex.text = answer.answer or ex.text
        self.busy = False
        self._render_timer.stop()
        self.render_now()
        self._update_state()

    @property
    def can_regenerate(self) -> bool:
        last = self.conversation.last
        return self._ready and not self.busy and last is not None and bool(last.question)

    def new_chat(self) -> None:
        if self.busy:
            return
        self.load(Conversation())
        self.input.setFocus()
        self.new_chat_started.emit()

    def load(self, conversation: Conversation) -> None:
        """Show another conversation (a stored one, or a new empty one)."""
        if self.busy:
            return
        self.conversation = conversation
        self.view.clear()
        if conversation.exchanges:
            self.render_now()
            self.view.verticalScrollBar().setValue(self.view.verticalScrollBar().maximum())
        self._update_state()

    # -- rendering and links -----------------------------------------------------------------
    def render_now(self) -> None:
        bar = self.view.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        keep = bar.value()
        self.view.setMarkdown(render(self.conversation))
        bar.setValue(bar.maximum() if at_bottom else keep)
        self.stack.setCurrentWidget(self.view if self.conversation.exchanges else self.hint)

    def open_link(self, url: QUrl) -> None:
        rated = parse_rate_link(url.toString())
        if rated is not None:
            self.rate_requested.emit(rated[1], rated[0])
            return
        parsed = parse_cite_link(url.toString())
        if parsed is None:
            if url.scheme() in ("http", "https", "file"):
                QDesktopServices.openUrl(url)
            return
        n, index = parsed
        if index is None:
            index = len(self.conversation.exchanges) - 1
        self.citation_clicked.emit(index, n)

    def copy_answer(self) -> None:
        found = self.conversation.last_answered()
        if found is not None:
            clipboard = QGuiApplication.clipboard()
            clipboard.setText(plain_answer(found[1]))

    def focus_question(self) -> None:
        self.input.setFocus()
        self.input.selectAll()
