"""Non-PDF previews: the document's own text in a QTextBrowser with the cited span highlighted.

Markdown and HTML are shown rendered, text-like files as plain text. The span is found by
searching the document for runs of the passage's words (the indexer's text and the file's
text differ in markup and whitespace), from the passage's start to its end. Formats that are
not text (Word, PowerPoint, spreadsheets, e-books) show the indexed passage itself.
"""

from __future__ import annotations

import re
from pathlib import Path

from sourcewise.desktop.qt import QColor, QTextBrowser, QTextCursor, QTextDocument, QTextEdit

TEXT_TYPES = {"txt", "text", "log", "csv", "tsv", "json", "xml", "yaml", "yml", "toml", "ini",
              "rst", "py", "js", "ts", "c", "h", "cpp", "java", "go", "rs", "sh", "sql", "tex"}  # fmt: skip
MARKDOWN_TYPES = {"md", "markdown"}
HTML_TYPES = {"html", "htm", "xhtml"}
MAX_PREVIEW_BYTES = 2 * 1024 * 1024
WINDOW = 5  # words per search probe
# Translucent yellow: readable over both light and dark palettes.
HIGHLIGHT = QColor(255, 214, 0, 110)

_WORD = re.compile(r"[\w'’%€$.,:;/@-]+", re.UNICODE)


def load(browser: QTextBrowser, path: str, passage: str) -> bool:
    """Show ``path`` in ``browser``; True when the file's own text could be shown."""
    file_type = Path(path).suffix.lower().lstrip(".")
    text = _read_text(path) if _is_text_type(file_type) else None
    if text is None:
        browser.setPlainText(passage)
        return False
    if file_type in MARKDOWN_TYPES:
        browser.setMarkdown(text)
    elif file_type in HTML_TYPES:
        browser.setHtml(text)
    else:
        browser.setPlainText(text)
    return True


def _is_text_type(file_type: str) -> bool:
    return file_type in TEXT_TYPES | MARKDOWN_TYPES | HTML_TYPES


def _read_text(path: str) -> str | None:
    try:
        p = Path(path)
        if p.stat().st_size > MAX_PREVIEW_BYTES:
            return None
        return p.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None


def highlight(browser: QTextBrowser, passage: str) -> int:
    """Highlight the passage (whole document when it is only the passage); returns the number
    of highlighted characters, 0 when it could not be found."""
    doc = browser.document()
    start = _find_start(doc, passage)
    if start is None:
        browser.setExtraSelections([])
        return 0
    end = _find_end(doc, passage, start.selectionStart()) or start.selectionEnd()
    cursor = QTextCursor(doc)
    cursor.setPosition(start.selectionStart())
    cursor.setPosition(max(end, start.selectionEnd()), QTextCursor.MoveMode.KeepAnchor)
    selection = QTextEdit.ExtraSelection()
    selection.cursor = cursor
    selection.format.setBackground(HIGHLIGHT)
    browser.setExtraSelections([selection])
    view_cursor = QTextCursor(doc)
    view_cursor.setPosition(cursor.selectionEnd())
    browser.setTextCursor(view_cursor)
    browser.ensureCursorVisible()  # end first, then start: the start ends up in view
    view_cursor.setPosition(cursor.selectionStart())
    browser.setTextCursor(view_cursor)
    browser.ensureCursorVisible()
    return cursor.selectionEnd() - cursor.selectionStart()


def _words(passage: str) -> list[str]:
    return _WORD.findall(passage.replace("**", " ").replace("__", " "))


def _find_start(doc: QTextDocument, passage: str) -> QTextCursor | None:
    words = _words(passage)
    for offset in range(0, max(1, len(words) - 2), 2):
        for size in (WINDOW, 3):
            probe = " ".join(words[offset : offset + size])
            if len(probe) < 4:
                continue
            found = doc.find(probe)
            if not found.isNull():
                return found
    return None


def _find_end(doc: QTextDocument, passage: str, after: int) -> int | None:
    words = _words(passage)
    limit = after + 3 * len(passage) + 200  # a match further away is another occurrence
    for stop in range(len(words), max(WINDOW, len(words) - 40), -2):
        probe = " ".join(words[max(0, stop - WINDOW) : stop])
        found = doc.find(probe, after)
        if not found.isNull() and found.selectionEnd() <= limit:
            return found.selectionEnd()
    return None
