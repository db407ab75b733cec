"""The entry point: the no-display message, and the display check itself."""

from __future__ import annotations

import sys

import pytest

from sourcewise.desktop.app import display_available, main

pytestmark = pytest.mark.gui


def test_without_a_display_main_explains_and_shows_the_cli(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main(["--sample"]) == 1
    err = capsys.readouterr().err
    assert "no display found" in err
    for command in ("sourcewise index resources/sample", "sourcewise search", "sourcewise ask"):
        assert command in err


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({}, "win32", True),
        ({}, "darwin", True),
    ],
)
def test_display_check(env: dict[str, str], platform: str, expected: bool) -> None:
    assert display_available(env, platform) is expected


def test_main_with_sample_indexes_the_sample_on_first_run(qapp, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sourcewise.desktop.main_window import MainWindow
    from sourcewise.desktop.qt import QApplication, QTimer

    # The built-in fakes, chosen by name as a user's settings would choose real models.
    monkeypatch.setenv("SOURCEWISE_EMBED__MODEL", "hash")
    monkeypatch.setenv("SOURCEWISE_LLM__MODEL", "echo")
    monkeypatch.setenv("SOURCEWISE_RETRIEVAL__RERANK", "false")
    monkeypatch.setenv("SOURCEWISE_INDEX__PARSE_MODE", "thread")
    seen: list[int] = []
    deadline = QTimer()

    def check() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if windows and len(windows[0].library.file_items()) >= 6:
            seen.append(len(windows[0].library.file_items()))
            windows[0].close()

    poll = QTimer()
    poll.timeout.connect(check)
    poll.start(50)
    deadline.setSingleShot(True)
    deadline.timeout.connect(QApplication.quit)  # a safety net: never hang the suite
    deadline.start(30_000)
    try:
        assert main(["--sample", "--data-dir", str(tmp_path / "home")]) == 0
    finally:
        poll.stop()
        deadline.stop()
    assert seen and seen[0] == 6
    assert (tmp_path / "home" / "index.db").exists()
