"""The settings dialog's library section: a team library on PostgreSQL (the tests' throwaway
server), its connection test off the UI thread, and switching back to this computer's library."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pydantic import SecretStr

from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine, check_library
from sourcewise.core.settings import Settings, load_settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from sourcewise.core.types import LibraryCheck
from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.team_library import TeamLibrarySection
from tests.desktop.helpers import open_settings_dialog, write_text_files
from tests.fakes import fake_settings

pytestmark = pytest.mark.gui

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/library"  # port 1: nothing listens there


def _choose_team(section: TeamLibrarySection, url: str) -> None:
    section.backend.setCurrentIndex(section.backend.findData("postgres"))
    section.url.setText(url)


def _test(qtbot, section: TeamLibrarySection) -> LibraryCheck:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(section.checked, timeout=20_000) as blocker:
        section.test_button.click()
        assert not section.test_button.isEnabled()  # until the answer is back
        assert section.result.text() == "Connecting…"  # the UI thread is not blocked
    qtbot.waitUntil(section.test_button.isEnabled, timeout=5000)
    check = blocker.args[0]
    assert isinstance(check, LibraryCheck)
    return check


def test_the_connection_test_runs_off_the_ui_thread_and_reports_the_library(
    qtbot, tmp_path: Path, pg_url: str
) -> None:
    threads: list[threading.Thread] = []

    def check(settings: Settings) -> LibraryCheck:
        threads.append(threading.current_thread())
        return check_library(settings)

    section = TeamLibrarySection(fake_settings(tmp_path / "home"), check=check)
    qtbot.addWidget(section)
    assert not section.url.isEnabled() and not section.password.isVisibleTo(section)
    _choose_team(section, pg_url)
    assert section.url.isEnabled() and "never saved" in section.password.text()
    result = _test(qtbot, section)
    assert result.ok and "holds no library yet" in result.summary
    assert threads and threads[0] is not threading.main_thread()
    assert section.result.text().startswith("✓ Connected to PostgreSQL")


def test_an_unreachable_server_is_named_as_such(qtbot, tmp_path: Path) -> None:
    section = TeamLibrarySection(fake_settings(tmp_path / "home"))
    qtbot.addWidget(section)
    _choose_team(section, UNREACHABLE)
    result = _test(qtbot, section)
    assert not result.ok
    assert "The server is unreachable: nothing answered at 127.0.0.1:1" in result.summary
    assert "Connection refused" in result.detail
    assert section.result.text().startswith("✗ The server is unreachable")


def test_a_password_in_the_url_or_no_url_is_refused_before_anything_is_saved(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path
) -> None:
    dialog = open_settings_dialog(qtbot, window, tmp_path)
    _choose_team(dialog.team, "postgresql://alice:secret@db.lan/library")
    dialog.accept()
    assert dialog.isVisible() and "must not hold the password" in dialog.team.result.text()
    dialog.team.test_button.click()  # the test refuses it too, without connecting
    assert dialog.team.testing is None and "password" in dialog.team.result.text()
    _choose_team(dialog.team, "")
    dialog.accept()
    assert dialog.isVisible() and "Enter the team library's URL" in dialog.team.result.text()
    assert not (engine.settings.home / "settings.toml").exists()
    dialog.reject()


def test_switching_to_a_team_library_and_back_keeps_the_local_library(
    qtbot, tmp_path: Path, pg_url: str
) -> None:
    settings = fake_settings(tmp_path / "home")
    engine = build_engine(settings, embedder=HashEmbedder(), chat_model=EchoChatModel(),
                          reranker=None)  # fmt: skip
    window = MainWindow(engine)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.library_refreshed, timeout=10_000):
        window.show()
    try:
        with qtbot.waitSignal(window.indexing_finished, timeout=30_000):
            window.index_paths([write_text_files(tmp_path / "docs", 3)])
        local = len(engine.library.documents())
        assert local == 3

        dialog = open_settings_dialog(qtbot, window, tmp_path)
        _choose_team(dialog.team, pg_url)
        # engine_ready, not library_refreshed: a refresh queued before the switch (the
        # indexing's) may land while the engine is detached for the rebuild.
        with qtbot.waitSignal(window.engine_ready, timeout=20_000):
            dialog.accept()
        assert engine.settings.store.backend == "postgres" and window.engine is engine
        qtbot.waitUntil(lambda: window.library.documents == [], timeout=20_000)  # team: empty
        saved = load_settings({"home": settings.home})
        assert (saved.store.backend, saved.store.url) == ("postgres", pg_url)

        dialog = open_settings_dialog(qtbot, window, tmp_path)
        assert dialog.team.url.text() == pg_url
        dialog.team.backend.setCurrentIndex(dialog.team.backend.findData("sqlite"))
        with qtbot.waitSignal(window.engine_ready, timeout=20_000):
            dialog.accept()
        assert engine.settings.store.backend == "sqlite"
        qtbot.waitUntil(lambda: len(window.library.documents) == local, timeout=20_000)  # kept
    finally:
        window.close()
        engine.close()


def test_the_password_is_neither_shown_nor_edited_only_its_source_named(
    qtbot, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path, store={"backend": "postgres", "url": "postgresql://a@db/x"})
    settings.store.password = SecretStr("s3cret")  # as SOURCEWISE_STORE__PASSWORD sets it
    section = TeamLibrarySection(settings)
    qtbot.addWidget(section)
    note = section.password.text()
    assert "SOURCEWISE_STORE__PASSWORD is set here" in note and "s3cret" not in note
    assert section.values() == {"store.backend": "postgres", "store.url": "postgresql://a@db/x"}
