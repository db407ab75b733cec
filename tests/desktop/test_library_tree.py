"""The library panel's tree: files grouped by folder under their collection, a filter box
that narrows it, and the requests a folder row makes (its files; "Ask about this folder")."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.types import DocumentInfo
from sourcewise.desktop.library_panel import LibraryPanel
from sourcewise.desktop.library_tree import FOLDER_ROLE, walk
from sourcewise.desktop.qt import Qt

pytestmark = pytest.mark.gui

ROOT = Path("/home/ann/docs")


def _doc(rel: str, status: str = "indexed", collection: str = "default") -> DocumentInfo:
    path = str(ROOT / rel)
    return DocumentInfo(path, collection, status, Path(rel).suffix.lstrip("."), 1200, None, 3,
                        "password protected" if status != "indexed" else None)  # fmt: skip


DOCS = [
    _doc("minutes/2024-01.txt"),
    _doc("minutes/2024-02.pdf", status="encrypted"),
    _doc("reports/2024/q1/summary.md"),  # a chain of folders holding one folder each
    _doc("reports/2024/q1/figures.pdf"),
    _doc("readme.txt"),
    _doc("harbour.md", collection="port"),
]


def _panel(qtbot, docs: list[DocumentInfo]) -> LibraryPanel:  # type: ignore[no-untyped-def]
    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.set_documents(docs)
    return panel


def _folder_index(panel: LibraryPanel, name: str):  # type: ignore[no-untyped-def]
    return next(i for i in walk(panel.proxy) if i.data(FOLDER_ROLE) and i.data() == name)


def test_files_are_grouped_by_folder_under_their_collection(qtbot) -> None:
    panel = _panel(qtbot, DOCS)
    where = {row.name: (row.folder, row.status) for row in panel.file_items()}
    assert where == {
        "2024-01.txt": ("minutes", "indexed"),
        "2024-02.pdf": ("minutes", "failed"),
        "summary.md": ("reports/2024/q1", "indexed"),
        "figures.pdf": ("reports/2024/q1", "indexed"),
        "readme.txt": ("", "indexed"),
        "harbour.md": ("", "indexed"),
    }
    tops = [panel.proxy.index(r, 0) for r in range(panel.proxy.rowCount())]
    assert [i.data() for i in tops] == ["default", "port"]
    assert tops[0].siblingAtColumn(1).data() == "5 files"
    assert tops[0].siblingAtColumn(1).data(Qt.ItemDataRole.ToolTipRole) == "5 files, 1 failed"
    minutes = _folder_index(panel, "minutes")
    assert minutes.siblingAtColumn(1).data(Qt.ItemDataRole.ToolTipRole) == "2 files, 1 failed"
    assert panel.tree.isExpanded(minutes)  # a small library shows every folder open
    failed = next(r for r in panel.file_items() if r.name == "2024-02.pdf")
    assert "Reason: password protected" in failed.tooltip
    assert panel.title.text() == "<b>Library</b> — 6 files, 1 failed"


def test_the_filter_narrows_the_tree_to_matching_files_and_folders(qtbot) -> None:
    panel = _panel(qtbot, DOCS)
    panel.filter.setText("PDF")  # case-insensitive, waits for the typing to pause
    qtbot.waitUntil(lambda: len(panel.visible_files()) == 2, timeout=5000)
    assert {(r.folder, r.name) for r in panel.visible_files()} == {
        ("minutes", "2024-02.pdf"), ("reports/2024/q1", "figures.pdf")}  # fmt: skip
    assert panel.tree.isExpanded(_folder_index(panel, "reports/2024/q1"))  # matches are shown
    panel.filter.setText("minutes")  # a folder's name: all of it
    panel.apply_filter()
    assert {r.name for r in panel.visible_files()} == {"2024-01.txt", "2024-02.pdf"}
    panel.filter.setText("no such file")
    panel.apply_filter()
    assert panel.visible_files() == []
    assert panel.stack.currentWidget() is panel.hint
    assert panel.hint.text() == "No file or folder name holds “no such file”."
    panel.filter.clear()
    panel.apply_filter()
    assert len(panel.visible_files()) == len(DOCS)
    assert panel.stack.currentWidget() is panel.tree


def test_a_folder_row_requests_its_files_and_stays_closed_across_refreshes(qtbot) -> None:
    panel = _panel(qtbot, DOCS)
    minutes = _folder_index(panel, "minutes")
    panel.tree.selectionModel().select(minutes, panel.tree.selectionModel().SelectionFlag.ClearAndSelect
                                       | panel.tree.selectionModel().SelectionFlag.Rows)  # fmt: skip
    selected = panel.selected_files()
    assert selected is not None
    paths, collection = selected
    assert collection == "default"
    assert sorted(p.name for p in paths) == ["2024-01.txt", "2024-02.pdf"]
    assert panel.scope_for(paths) is not None  # the indexed one can be chatted with
    assert panel._single_folder() == str(ROOT / "minutes")

    panel.tree.collapse(minutes)
    panel.set_documents([*DOCS, _doc("minutes/2024-03.txt")])  # a live refresh while indexing
    minutes = _folder_index(panel, "minutes")
    assert not panel.tree.isExpanded(minutes)
    assert minutes.siblingAtColumn(1).data(Qt.ItemDataRole.ToolTipRole) == "3 files, 1 failed"
    assert panel.tree.isExpanded(_folder_index(panel, "reports/2024/q1"))
