"""Fixtures for the desktop tests: offscreen Qt, and an engine built with fakes on a temp dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from tests.fakes import fake_engine

# Before any QApplication exists (the first one is created by a test, after collection).
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = fake_engine(tmp_path / "home")
    yield eng
    eng.close()


@pytest.fixture
def window(qtbot, engine: Engine):  # type: ignore[no-untyped-def]
    from sourcewise.desktop.main_window import MainWindow

    win = MainWindow(engine)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.library_refreshed, timeout=10_000):
        win.show()
    yield win
    win.close()  # stops the worker thread before the engine closes
