"""The window's menus and their shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sourcewise.desktop.filter_dialog import FilterDialog
from sourcewise.desktop.qt import QAction, QKeySequence

if TYPE_CHECKING:
    from sourcewise.desktop.main_window import MainWindow


def build_menus(window: MainWindow) -> None:
    chat, session = window.chat, window.session
    file_menu = window.menuBar().addMenu("&File")
    _action(window, file_menu, "&Add folder…", window.choose_folder, "Ctrl+O")
    _action(window, file_menu, "Add &files…", window.choose_files)
    file_menu.addSeparator()
    _action(window, file_menu, "&Settings…", window.config.open_dialog, "Ctrl+,")
    _action(window, file_menu, "Latest &evaluation report…", lambda: _show_report(window))
    file_menu.addSeparator()
    _action(window, file_menu, "&Quit", window.close, "Ctrl+Q")
    chat_menu = window.menuBar().addMenu("&Chat")
    _action(window, chat_menu, "&New chat", chat.new_chat, "Ctrl+N")
    _action(window, chat_menu, "&Ask", chat.focus_question, "Ctrl+F")
    send = _action(window, chat_menu, "&Send", chat.submit, "Ctrl+Return")
    send.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
    _action(window, chat_menu, "S&top", window.stop_answer, "Esc")
    _action(window, chat_menu, "&Regenerate", session.regenerate, "Ctrl+R")
    _action(window, chat_menu, "&Copy answer", chat.copy_answer)
    _action(
        window,
        chat_menu,
        "Ask &within a sender, dates, tags or collection…",
        lambda: _ask_within(window),
    )
    chat_menu.addSeparator()
    _action(window, chat_menu, "&Export chat…", session.export_current)


def _action(window: MainWindow, menu: Any, text: str, slot: Callable[[], Any],
            key: str | None = None) -> QAction:  # fmt: skip
    action = QAction(text, window)
    if key is not None:
        action.setShortcut(QKeySequence(key))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def _ask_within(window: MainWindow) -> None:
    """The filter dialog; its scope (or the whole library, when emptied) for the next questions."""
    dialog = FilterDialog(window.session.scope, window)
    if dialog.exec():
        window.session.set_scope(dialog.scope())


def _show_report(window: MainWindow) -> None:
    from sourcewise.desktop.eval_report_view import EvalReportDialog

    if window.engine is not None:
        EvalReportDialog(window.engine.settings.latest_eval_report(), window).exec()
