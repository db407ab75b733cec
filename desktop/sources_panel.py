"""The sources panel: the passages an answer cites, and the selected one in its document.

PDFs are shown as the rendered page with the passage's lines highlighted; other formats as the
document's text with the span highlighted. "Open in system viewer" hands the file to the OS.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path

from sourcewise.core.types import Citation, SearchHit
from sourcewise.desktop import text_preview
from sourcewise.desktop.formatting import source_label
from sourcewise.desktop.open_path import open_source
from sourcewise.desktop.pdf_highlight import render_page
from sourcewise.desktop.qt import (
    QColor,
    QFrame,
    QImage,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPainter,
    QPixmap,
    QPushButton,
    QRectF,
    QResizeEvent,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    Qt,
    QTextBrowser,
    QTimer,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)
HIGHLIGHT = QColor(255, 214, 0, 96)
EMPTY_HINT = (
    "Sources cited in answers appear here.\nClick a [1] marker in an answer to see its passage."
)


@dataclass(frozen=True)
class SourceItem:
    n: int
    path: str
    page: int | None
    text: str
    score: float
    heading: str = ""
    strength: str = "unrated"
    quote: str = ""  # the evidence sentence to highlight; "" highlights all of text
    reference: str = ""  # "Smith et al. (2021)", "Alice Smith, 2024-03-05, “Budget”"

    @property
    def highlight(self) -> str:
        return self.quote or self.text

    @classmethod
    def from_citation(cls, c: Citation) -> SourceItem:
        return cls(c.n, c.path, c.page, c.text, c.score, c.heading, c.strength, c.quote,
                   c.reference)  # fmt: skip

    @classmethod
    def from_hit(cls, hit: SearchHit) -> SourceItem:
        return cls(hit.rank, hit.path, hit.page, hit.text, hit.score, hit.heading, hit.strength,
                   reference=hit.reference)  # fmt: skip

    @property
    def is_pdf(self) -> bool:
        # A message's PDF attachment has a virtual path: its indexed text is shown instead.
        return Path(self.path).suffix.lower() == ".pdf" and Path(self.path).is_file()


def _hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setFrameShape(QFrame.Shape.StyledPanel)
    label.setEnabled(False)  # drawn in the palette's muted text colour, light or dark
    return label


class PdfPageView(QScrollArea):
    """A rendered PDF page with translucent highlight rectangles over the passage."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image_label = QLabel()
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self.image_label)
        self.setWidgetResizable(True)
        self.pixmap: QPixmap | None = None
        self.highlight_count = 0
        self.page = 0
        self._item: SourceItem | None = None
        self._rendered_width = 0
        self._resize_timer = QTimer(self, singleShot=True, interval=150)
        self._resize_timer.timeout.connect(self._rerender)

    def show_item(self, item: SourceItem) -> str:
        """Render the cited page; returns a caption ("page 2 of 3") or an error message."""
        self._item = item
        return self._render()

    def _render(self) -> str:
        item = self._item
        if item is None:
            return ""
        width = self._fit_width()
        dpr = self.devicePixelRatioF()
        try:
            page = render_page(item.path, item.page, item.highlight, int(width * dpr))
        except (OSError, RuntimeError, ValueError) as err:  # gone, changed, broken: say so
            log.warning("cannot render %s: %s", item.path, err)
            self.pixmap, self.highlight_count = None, 0
            self.image_label.setText(f"Cannot show this page: {err}")
            return ""
        image = QImage(page.samples, page.width, page.height, page.stride,
                       QImage.Format.Format_RGB888).copy()  # fmt: skip
        painter = QPainter(image)
        for x, y, w, h in page.rects:
            painter.fillRect(QRectF(x - 1, y - 1, w + 2, h + 2), HIGHLIGHT)
        painter.end()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(dpr)
        self.pixmap, self.highlight_count, self.page = pixmap, len(page.rects), page.page
        self.image_label.setPixmap(pixmap)
        self._rendered_width = width
        if page.rects:  # scroll the passage into view
            self.verticalScrollBar().setValue(int(max(0.0, page.rects[0][1] / dpr - 60)))
        return f"page {page.page} of {page.page_count}"

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._item is not None and abs(self._fit_width() - self._rendered_width) > 40:
            self._resize_timer.start()

    def _fit_width(self) -> int:
        """The page width that fits beside a vertical scroll bar (pages are taller than wide)."""
        bar = self.verticalScrollBar().sizeHint().width()
        return max(200, self.width() - 2 * self.frameWidth() - bar - 8)

    def _rerender(self) -> None:
        self._render()


class SourcesPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>Sources</b>")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._on_row)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = _hint_label(EMPTY_HINT)  # the panel's empty state
        self.select_hint = _hint_label("Select a source to see it in its document.")
        self.pdf_view = PdfPageView()
        self.text_view = QTextBrowser()
        self.text_view.setOpenLinks(False)
        self.preview = QStackedWidget()
        for widget in (self.select_hint, self.pdf_view, self.text_view):
            self.preview.addWidget(widget)
        self.open_button = QPushButton("Open in system viewer")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_current)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.caption)
        bottom_layout.addWidget(self.preview, 1)
        bottom_layout.addWidget(self.open_button)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([140, 560])
        self.body = QStackedWidget()
        self.body.addWidget(self.hint)
        self.body.addWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 1)
        self.items: list[SourceItem] = []
        self.key: object = None
        self.highlighted_chars = 0
        self.clear()

    # -- contents ----------------------------------------------------------------------------
    def clear(self) -> None:
        self.set_sources([], key=None)

    def set_sources(
        self,
        items: list[SourceItem],
        key: object,
        title: str = "Sources",
        empty_text: str = EMPTY_HINT,
    ) -> None:
        """Show ``items``; ``key`` identifies whose sources they are (an answer's index)."""
        self.items, self.key = list(items), key
        self.hint.setText(empty_text)
        self.title.setText(f"<b>{title}</b>" + (f" ({len(items)})" if items else ""))
        self.list.blockSignals(True)
        self.list.clear()
        for item in items:
            row = QListWidgetItem(source_label(item.n, item.path, item.page, item.strength))
            row.setToolTip(f"{item.path}\n\n{item.text[:600]}")
            self.list.addItem(row)
        self.list.blockSignals(False)
        self.body.setCurrentWidget(self.splitter if items else self.hint)
        self._show(None)

    def select(self, n: int) -> bool:
        """Select the source numbered ``n``; False when there is none."""
        for row, item in enumerate(self.items):
            if item.n == n:
                self.list.setCurrentRow(row)
                self._show(item)  # also when the row was already current
                return True
        return False

    @property
    def current(self) -> SourceItem | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def open_current(self) -> None:
        item = self.current
        if item is not None:
            open_source(item.path)

    # -- preview -----------------------------------------------------------------------------
    def _on_row(self, row: int) -> None:
        self._show(self.items[row] if 0 <= row < len(self.items) else None)

    def _show(self, item: SourceItem | None) -> None:
        self.open_button.setEnabled(item is not None)
        self.highlighted_chars = 0
        if item is None:
            self.caption.setText("")
            self.preview.setCurrentWidget(self.select_hint)
            return
        name = html.escape(item.reference or Path(item.path).name)
        where = f" › {html.escape(item.heading)}" if item.heading else ""
        if item.is_pdf:
            self.preview.setCurrentWidget(self.pdf_view)
            page = self.pdf_view.show_item(item)
            self.caption.setText(f"<b>[{item.n}] {name}</b> — {page}{where}")
            return
        self.preview.setCurrentWidget(self.text_view)
        own_text = text_preview.load(self.text_view, item.path, item.text)
        self.highlighted_chars = text_preview.highlight(self.text_view, item.highlight)
        note = "" if own_text else " — the indexed passage (open the file to see it in full)"
        self.caption.setText(f"<b>[{item.n}] {name}</b>{where}{note}")
