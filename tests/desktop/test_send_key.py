"""The question box: Enter sends and Shift+Enter adds a line, as in chat apps; the setting
``desktop.send_key = "ctrl+enter"`` restores Ctrl+Enter to send and Enter for a new line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.settings import load_settings
from sourcewise.desktop.chat_panel import ChatPanel
from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.qt import Qt
from tests.desktop.helpers import open_settings_dialog

pytestmark = pytest.mark.gui

ENTER = Qt.Key.Key_Return
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _panel(qtbot) -> tuple[ChatPanel, list[str]]:  # type: ignore[no-untyped-def]
    panel = ChatPanel()
    qtbot.addWidget(panel)
    sent: list[str] = []
    panel.ask_requested.connect(sent.append)
    return panel, sent


def test_enter_sends_and_shift_enter_adds_a_line(qtbot) -> None:
    panel, sent = _panel(qtbot)
    qtbot.keyClicks(panel.input, "When does the ferry leave?")
    qtbot.keyClick(panel.input, ENTER, SHIFT)
    qtbot.keyClicks(panel.input, "And in winter?")
    assert sent == []
    assert panel.input.toPlainText() == "When does the ferry leave?\nAnd in winter?"
    qtbot.keyClick(panel.input, ENTER)
    assert sent == ["When does the ferry leave?\nAnd in winter?"]
    assert panel.input.toPlainText() == ""
    assert "Enter to send, Shift+Enter for a new line" in panel.input.placeholderText()


def test_the_keypad_enter_sends_too(qtbot) -> None:
    panel, sent = _panel(qtbot)
    qtbot.keyClicks(panel.input, "tides")
    qtbot.keyClick(panel.input, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert sent == ["tides"]


def test_the_setting_restores_ctrl_enter(qtbot) -> None:
    panel, sent = _panel(qtbot)
    panel.set_send_key("ctrl+enter")
    qtbot.keyClicks(panel.input, "first line")
    qtbot.keyClick(panel.input, ENTER)
    qtbot.keyClicks(panel.input, "second line")
    assert sent == [] and panel.input.toPlainText() == "first line\nsecond line"
    qtbot.keyClick(panel.input, ENTER, CTRL)
    assert sent == ["first line\nsecond line"]
    assert "Ctrl+Enter to send, Enter for a new line" in panel.input.placeholderText()


def test_the_settings_dialog_saves_the_send_key_and_the_box_follows_it(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    assert window.chat.input.send_key == "enter"  # the default
    dialog = open_settings_dialog(qtbot, window, tmp_path)
    dialog.send_key.setCurrentIndex(dialog.send_key.findData("ctrl+enter"))
    with qtbot.waitSignal(window.config.applied, timeout=5000) as blocker:
        dialog.accept()
    assert blocker.args[0] == []  # nothing of the engine is rebuilt for it
    assert window.chat.input.send_key == "ctrl+enter"
    home = window.config.settings.home  # type: ignore[union-attr]
    assert load_settings({"home": home}).desktop.send_key == "ctrl+enter"
