"""The main window end to end with a fake embedder and chat model (offscreen Qt)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine
from sourcewise.core.progress import Progress
from sourcewise.core.settings import Settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from sourcewise.core.types import IndexReport, SearchFilters
from sourcewise.desktop.chat_panel import ASK_HINT
from sourcewise.desktop.library_panel import EMPTY_HINT
from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.qt import (
    QApplication,
    QDragEnterEvent,
    QDropEvent,
    QMimeData,
    QPoint,
    QPointF,
    Qt,
    QTimer,
    QUrl,
)

from .helpers import write_pdf, write_text_files

pytestmark = pytest.mark.gui


def _drop(target, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """What a drag from a file manager delivers: DragEnter (Qt then makes the widget that
    accepts it the drop target), then the Drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    rest = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)  # fmt: skip
    enter = QDragEnterEvent(QPoint(10, 10), *rest)  # QPoint here, QPointF for the drop
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(target, QDropEvent(QPointF(10, 10), *rest))


def _index(qtbot, window: MainWindow, paths: list[Path]) -> IndexReport:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.indexing_finished, timeout=30_000) as blocker:
        window.index_paths(paths)
    report = blocker.args[0]
    assert isinstance(report, IndexReport)
    return report


def test_empty_states_say_what_to_do(window: MainWindow) -> None:
    assert window.library.stack.currentWidget() is window.library.hint
    assert "Drop folders here to index them" in window.library.hint.text()
    assert window.library.hint.text() == EMPTY_HINT
    assert window.chat.stack.currentWidget() is window.chat.hint
    assert ASK_HINT in window.chat.hint.text()
    assert "Sources cited in answers appear here" in window.sources.hint.text()
    assert window.chat.send_button.isEnabled()
    assert not window.chat.stop_button.isEnabled()


def test_dropping_a_folder_indexes_it_and_lists_the_files(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guide.md").write_text("# Guide\n\nThe ferry leaves at nine every morning.\n")
    (corpus / "notes.txt").write_text("The lighthouse keeper logs the tides twice a day.\n")
    write_pdf(corpus / "manual.pdf", [["The harbour crane lifts twelve tonnes at most."]])

    with qtbot.waitSignal(window.indexing_finished, timeout=30_000) as blocker:
        _drop(window.chat.view.viewport(), [corpus])  # a text view: drops work anywhere
    report = blocker.args[0]
    assert report.files_indexed == 3 and not report.failures

    qtbot.waitUntil(lambda: len(window.library.file_items()) == 3, timeout=10_000)
    rows = {row.name: row.status for row in window.library.file_items()}
    assert set(rows) == {"guide.md", "notes.txt", "manual.pdf"}
    assert all(status.startswith("indexed") for status in rows.values())
    assert window.library.stack.currentWidget() is window.library.tree
    assert "Indexed 3 new file(s)" in window.index_bar.label.text()
    assert not window.index_bar.cancel_button.isVisible()


def test_a_failed_file_shows_its_reason(qtbot, window: MainWindow, tmp_path: Path) -> None:
    corpus = tmp_path / "broken"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("Plain words about the harbour.\n")
    (corpus / "bad.pdf").write_bytes(b"%PDF-1.7 this is not really a pdf")
    report = _index(qtbot, window, [corpus])
    assert report.files_failed == 1
    assert window.index_bar.failures_button.isVisible()
    qtbot.waitUntil(lambda: len(window.library.file_items()) == 2, timeout=10_000)
    bad = next(i for i in window.library.file_items() if i.name == "bad.pdf")
    assert bad.status.startswith("failed")
    assert "Reason:" in bad.tooltip


def test_an_answer_cites_and_shows_the_highlighted_pdf_page(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    pytest.importorskip("sourcewise.core.answer.answerer",
                        reason="Engine.answers.ask needs sourcewise.core.answer.answerer, not there yet")  # fmt: skip
    corpus = tmp_path / "docs"
    corpus.mkdir()
    write_pdf(corpus / "crane.pdf", [[
        "The gantry crane lifts at most forty tonnes in calm weather.",
        "Operators inspect the crane hooks every Monday morning.",
    ]])  # fmt: skip
    (corpus / "other.txt").write_text("Ferries depart from pier three at nine.\n")
    _index(qtbot, window, [corpus])

    window.chat.input.setPlainText("How many tonnes does the gantry crane lift?")
    with qtbot.waitSignal(window.answer_finished, timeout=30_000) as blocker:
        window.chat.submit()
    answer = blocker.args[0]
    assert answer is not None and answer.citations, answer
    html = window.chat.view.toHtml()
    links = re.findall(r'href="(cite:\d+[^"]*)"', html)
    assert links, html
    assert "forty tonnes" in answer.answer
    assert "forty tonnes" in window.chat.view.toPlainText()

    pdf_cite = next(c for c in answer.citations if c.path.endswith("crane.pdf"))
    window.sources.clear()
    view = window.sources.pdf_view
    view.pixmap, view.highlight_count = None, 0
    link = next(u for u in links if u.startswith(f"cite:{pdf_cite.n}"))
    window.chat.view.anchorClicked.emit(QUrl(link))  # what a click on the [n] link does

    assert window.sources.current is not None and window.sources.current.n == pdf_cite.n
    assert window.sources.preview.currentWidget() is view
    assert view.pixmap is not None and not view.pixmap.isNull()
    assert view.highlight_count > 0
    assert view.page == pdf_cite.page == 1
    assert window.sources.open_button.isEnabled()


def test_cancel_mid_indexing_leaves_a_usable_index(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path
) -> None:
    corpus = write_text_files(tmp_path / "many", 300)
    seen: list[Progress] = []

    def on_progress(p: Progress) -> None:
        # Cancel at the first file committed (not while scanning), so a partial run is kept.
        if p.stage == "indexing" and not any(s.stage == "indexing" for s in seen):
            window.cancel_indexing()
        seen.append(p)

    window.indexing_progress.connect(on_progress)
    with qtbot.waitSignal(window.indexing_finished, timeout=30_000) as blocker:
        window.index_paths([corpus])
    window.indexing_progress.disconnect(on_progress)
    first = blocker.args[0]
    print(f"\ncancelled after {len(seen)} progress update(s): {first}")
    assert first is None or first.cancelled
    assert "cancelled" in window.index_bar.label.text().lower()

    status = engine.library.status()
    assert 0 < status.documents < 300
    assert status.chunks > 0
    engine.library.search("harbour report", 3, SearchFilters())

    report = _index(qtbot, window, [corpus])
    assert not report.cancelled
    assert engine.library.status().documents == 300
    assert engine.library.search("lighthouse report", 3)


def test_the_ui_stays_responsive_while_indexing(qtbot, window: MainWindow, tmp_path: Path) -> None:
    corpus = write_text_files(tmp_path / "busy", 200)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    try:
        report = _index(qtbot, window, [corpus])
    finally:
        timer.stop()
    assert report.files_indexed == 200
    stall = max(gaps) if gaps else 0.0
    print(
        f"\nlongest UI stall while indexing 200 files: {stall * 1000:.0f} ms over {len(gaps)} ticks"
    )
    assert len(gaps) > 3
    assert stall < 2.0


def test_remove_and_reindex_from_the_library(qtbot, window: MainWindow, tmp_path: Path) -> None:
    corpus = write_text_files(tmp_path / "few", 3)
    _index(qtbot, window, [corpus])
    qtbot.waitUntil(lambda: len(window.library.file_items()) == 3, timeout=10_000)

    first = corpus / "note-0000.txt"
    with qtbot.waitSignal(window.library_refreshed, timeout=10_000):
        window.library.remove_requested.emit([first], "default")
    assert {i.name for i in window.library.file_items()} == {"note-0001.txt", "note-0002.txt"}

    with qtbot.waitSignal(window.indexing_finished, timeout=30_000) as blocker:
        window.library.reindex_requested.emit([first], "default")
    assert blocker.args[0].files_seen == 1
    qtbot.waitUntil(lambda: len(window.library.file_items()) == 3, timeout=10_000)


class _SlowEcho(EchoChatModel):
    """The echo fake, one word every 50 ms, so there is time to press Stop."""

    def stream_chat(self, messages, *, max_tokens, temperature, cancel=None):  # type: ignore[no-untyped-def]
        reply = list(super().stream_chat(messages, max_tokens=max_tokens,
                                         temperature=temperature, cancel=cancel))  # fmt: skip
        # A long tail of distinct words: the answer is still streaming when Stop is pressed.
        for piece in reply + [f"word{i} " for i in range(100)]:
            if cancel is not None and cancel.cancelled:
                return
            time.sleep(0.05)
            yield piece


def test_keyboard_send_and_escape_stops_the_answer(qtbot, tmp_path: Path) -> None:
    pytest.importorskip("sourcewise.core.answer.answerer",
                        reason="Engine.answers.ask needs sourcewise.core.answer.answerer, not there yet")  # fmt: skip
    home = tmp_path / "home"
    settings = Settings(home=home, models_dir=home / "m", index={"parse_mode": "thread"})
    engine = build_engine(settings, embedder=HashEmbedder(), chat_model=_SlowEcho(), reranker=None)
    win = MainWindow(engine)
    qtbot.addWidget(win)
    try:
        with qtbot.waitSignal(win.library_refreshed, timeout=10_000):
            win.show()
        corpus = tmp_path / "docs"
        corpus.mkdir()
        (corpus / "a.txt").write_text(" ".join(["The ferry timetable changes in winter."] * 30))
        _index(qtbot, win, [corpus])
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)

        qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # focus the box
        assert win.chat.input.hasFocus()
        qtbot.keyClicks(win.chat.input, "When does the ferry timetable change?")
        with qtbot.waitSignal(win.answer_finished, timeout=30_000) as blocker:
            qtbot.keyClick(win.chat.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            qtbot.waitUntil(lambda: "ferry" in (win.chat.conversation.exchanges[-1].text or "x"))
            assert win.chat.stop_button.isEnabled()
            qtbot.keyClick(win, Qt.Key.Key_Escape)
        assert blocker.args == [None]
        assert win.chat.conversation.exchanges[-1].state == "stopped"
        assert "Stopped." in win.chat.view.toPlainText()
        assert win.chat.send_button.isEnabled() and not win.chat.stop_button.isEnabled()
    finally:
        win.close()
        engine.close()


class _Silent(_SlowEcho):
    """Answers slowly with a sentence that no passage supports (so it cites nothing)."""

    def stream_chat(self, messages, *, max_tokens, temperature, cancel=None):  # type: ignore[no-untyped-def]
        reply = "Penguins are flightless birds of the far south of the world."
        for word in reply.split(" "):
            time.sleep(0.05)
            yield word + " "


def test_passages_show_before_the_answer_and_stay_when_it_cites_none(qtbot, tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home, models_dir=home / "m", index={"parse_mode": "thread"})
    engine = build_engine(settings, embedder=HashEmbedder(), chat_model=_Silent(), reranker=None)
    win = MainWindow(engine)
    qtbot.addWidget(win)
    try:
        corpus = tmp_path / "docs"
        corpus.mkdir()
        (corpus / "ferry.txt").write_text("Intro line here. The ferry timetable changes in winter.")
        _index(qtbot, win, [corpus])
        with qtbot.waitSignal(win.answer_finished, timeout=30_000):
            win.ask("When does the ferry timetable change?")
            qtbot.waitUntil(lambda: bool(win.sources.items), timeout=10_000)
            assert win.chat.conversation.exchanges[-1].state != "done"  # still answering
            assert "Passages being read" in win.sources.title.text()
            qtbot.waitUntil(
                lambda: "Reading 1 passage" in win.chat.view.toPlainText(), timeout=5000
            )
        assert win.sources.items and "none cited" in win.sources.title.text()
        assert win.sources.items[0].highlight.startswith("The ferry timetable")
        text = win.chat.view.toPlainText
        qtbot.waitUntil(lambda: "No claim of this answer is backed" in text(), timeout=5000)
    finally:
        win.close()
        engine.close()
