"""Small corpora for the desktop tests, and opening the settings dialog."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.settings_dialog import SettingsDialog


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A small text PDF: one list of lines per page."""
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=595, height=842)
        y = 72.0
        for line in lines:
            page.insert_text((72, y), line, fontsize=11)
            y += 16
    doc.save(path)
    doc.close()
    return path


def write_text_files(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    topics = ["harbour", "lighthouse", "ferry", "tides", "sailing", "fishing", "storms", "gulls"]
    for i in range(count):
        topic = topics[i % len(topics)]
        (folder / f"note-{i:04d}.txt").write_text(
            f"Note {i} about the {topic}. The {topic} report number {i} was filed on day {i % 28 + 1}. "
            f"Observers wrote that the {topic} changed during week {i % 52 + 1}.\n",
            encoding="utf-8",
        )
    return folder


def open_settings_dialog(qtbot, window: MainWindow, tmp_path: Path) -> SettingsDialog:  # type: ignore[no-untyped-def]
    """The settings dialog, opened as the menu opens it (no GGUF hunting in the real home)."""
    window.config.discover_home = tmp_path / "nobody"
    with qtbot.waitSignal(window.config.dialog_opened, timeout=10_000) as blocker:
        window.config.open_dialog()
    dialog = blocker.args[0]
    assert isinstance(dialog, SettingsDialog)
    return dialog
