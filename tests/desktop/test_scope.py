"""Chat scope in the app: "Chat with this document" and "Ask about this folder" restrict every
question to them, the scope shows above the question box, and "Whole library" lifts it."""

from __future__ import annotations

from pathlib import Path

from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.scope import ChatScope
from tests.desktop.helpers import write_pdf
from tests.desktop.test_main_window import _index


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    write_pdf(corpus / "crane.pdf", [["The gantry crane lifts at most forty tonnes."]])
    (corpus / "ferry.txt").write_text("The ferry crane on pier three lifts twelve tonnes.\n")
    return corpus


def _ask(qtbot, window: MainWindow, question: str):  # type: ignore[no-untyped-def]
    window.chat.input.setPlainText(question)
    with qtbot.waitSignal(window.answer_finished, timeout=30_000) as blocker:
        window.chat.submit()
    return blocker.args[0]


def test_chat_with_one_document_cites_only_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    _index(qtbot, window, [corpus])
    ferry = str((corpus / "ferry.txt").resolve())
    assert not window.chat.scope_bar.isVisibleTo(window)

    window.library.scope_requested.emit(ChatScope.documents([Path(ferry)]))
    assert window.chat.scope_bar.isVisibleTo(window)
    assert "ferry.txt" in window.chat.scope_bar.label.text()
    answer = _ask(qtbot, window, "How many tonnes does the crane lift?")
    assert answer.citations and {c.path for c in answer.citations} == {ferry}

    window.chat.scope_bar.clear_button.click()
    assert not window.chat.scope_bar.isVisibleTo(window) and window.session.scope is None
    answer = _ask(qtbot, window, "How many tonnes does the gantry crane lift?")
    assert any(c.path.endswith("crane.pdf") for c in answer.citations)


def test_a_folder_scope_reads_a_summary_whole(qtbot, window: MainWindow, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "gulls.txt").write_text("Gulls nest on the harbour roofs in May.\n")
    _index(qtbot, window, [corpus, tmp_path / "other"])
    window.library.scope_requested.emit(ChatScope.folder(corpus.resolve()))
    answer = _ask(qtbot, window, "Summarize these documents")
    assert answer.mode == "document"
    assert answer.citations and all(
        c.path.startswith(str(corpus.resolve())) for c in answer.citations
    )


def test_the_library_menu_offers_the_scope_for_indexed_files(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    _index(qtbot, window, [corpus])
    qtbot.waitUntil(lambda: len(window.library.file_items()) == 3, timeout=10_000)
    crane, broken = (corpus / "crane.pdf").resolve(), (corpus / "broken.pdf").resolve()
    scope = window.library.scope_for([crane, broken])
    assert scope is not None and scope.filters.documents == (str(crane),)
    assert scope.label == "crane.pdf"
    assert window.library.scope_for([broken]) is None
