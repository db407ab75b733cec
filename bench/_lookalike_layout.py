"""Page layout for the look-alike report library (bench/lookalike_corpus.py), with PyMuPDF.

One template for every report: a running header naming company and period, a footer with the
page number, headings, paragraphs that run across pages, and ruled tables (a full grid of drawn
lines, as ``page.find_tables()`` expects). The layout records on which page each table and kept-
together paragraph landed, so the generator knows the gold page of every figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import pymupdf

W, H = 595.0, 842.0
LEFT, RIGHT, TOP, BOTTOM = 72.0, 523.0, 84.0, 770.0
BODY, LEADING, PARA_GAP = 10.0, 1.45, 9.0
ROW_H = 16.0


class Layout:
    """Flows text onto A4 pages; ``header`` and ``footer`` are written on every page but the
    cover. Filler stops at ``target`` pages; fixed content may run past it (never cut)."""

    def __init__(self, header: tuple[str, str], footer: str, target: int) -> None:
        self.doc = pymupdf.open()
        self.header, self.footer, self.target = header, footer, target
        self.helv, self.bold = pymupdf.Font("helv"), pymupdf.Font("hebo")
        self._widths: dict[tuple[bool, str], float] = {}
        self.page: pymupdf.Page | None = None
        self.tw: pymupdf.TextWriter | None = None
        self.shape: pymupdf.Shape | None = None
        self.y = TOP
        self.number = 0

    # -- pages ---------------------------------------------------------------------------------
    def new_page(self, furniture: bool = True) -> int:
        self.finish_page()
        self.number += 1
        self.page = self.doc.new_page(width=W, height=H)
        self.tw = pymupdf.TextWriter(self.page.rect)
        self.shape = self.page.new_shape()
        if furniture:
            self.text(LEFT, 50, self.header[0], 8, bold=True)
            self.text(RIGHT - self.width(self.header[1], 8), 50, self.header[1], 8)
            self.line(LEFT, 56, RIGHT, 56, 0.4)
            self.text(LEFT, 806, self.footer, 8)
            folio = f"Page {self.number}"
            self.text(RIGHT - self.width(folio, 8), 806, folio, 8)
        self.y = TOP
        return self.number

    def finish_page(self) -> None:
        if self.page is not None and self.tw is not None and self.shape is not None:
            self.shape.commit()
            self.tw.write_text(self.page)
        self.page, self.tw, self.shape = None, None, None

    def room(self, height: float) -> int:
        """Start a page unless ``height`` fits on this one; returns the current page."""
        if self.page is None or self.y + height > BOTTOM:
            self.new_page()
        return self.number

    @property
    def filler_left(self) -> bool:
        """True while filler may still go on the current or a new page below ``target``."""
        return self.number < self.target or (self.page is not None and self.y < BOTTOM - 60)

    # -- drawing -------------------------------------------------------------------------------
    def width(self, text: str, size: float, bold: bool = False) -> float:
        font = self.bold if bold else self.helv
        total = 0.0
        for ch in text:
            w = self._widths.get((bold, ch))
            if w is None:
                w = self._widths[(bold, ch)] = font.text_length(ch, fontsize=1.0)
            total += w
        return total * size

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
        assert self.tw is not None
        self.tw.append((x, y), text, font=self.bold if bold else self.helv, fontsize=size)

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.6) -> None:
        assert self.shape is not None
        self.shape.draw_line((x0, y0), (x1, y1))
        self.shape.finish(width=width, color=(0, 0, 0))

    def wrap(self, text: str, size: float, limit: float = RIGHT - LEFT) -> list[str]:
        lines: list[str] = []
        line: list[str] = []
        width, space = 0.0, self.width(" ", size)
        for word in text.split():
            w = self.width(word, size)
            if line and width + space + w > limit:
                lines.append(" ".join(line))
                line, width = [], 0.0
            width += (space if line else 0.0) + w
            line.append(word)
        if line:
            lines.append(" ".join(line))
        return lines

    # -- blocks --------------------------------------------------------------------------------
    def heading(self, text: str, level: int = 1) -> int:
        size = {1: 15.0, 2: 12.0}.get(level, 10.5)
        page = self.room(size * 2 + BODY * LEADING * 4)  # keep a heading with text after it
        self.y += size * 0.8
        self.text(LEFT, self.y + size, text, size, bold=True)
        self.y += size * 1.8
        return page

    def paragraph(self, text: str, keep: bool = False, size: float = BODY) -> list[int]:
        """Lay out a paragraph; ``keep`` moves it whole to the next page rather than split it.
        Returns the pages it touched."""
        step = size * LEADING
        lines = self.wrap(text, size)
        if keep:
            self.room(step * len(lines))
        pages: list[int] = []
        for line in lines:
            page = self.room(step)
            if not pages or pages[-1] != page:
                pages.append(page)
            self.text(LEFT, self.y + size, line, size)
            self.y += step
        self.y += PARA_GAP
        return pages

    def table(
        self, title: str, rows: Sequence[Sequence[str]], widths: Sequence[float], note: str = ""
    ) -> int:
        """A ruled table (first row is the header), kept on one page; returns that page.
        ``widths`` are column shares of the text width; cells after the first are right-aligned."""
        height = 22 + ROW_H * len(rows) + (16 if note else 0) + 12
        page = self.room(height)
        self.text(LEFT, self.y + 10, title, 9.5, bold=True)
        self.y += 18
        if note:
            self.text(LEFT, self.y + 8, note, 8)
            self.y += 14
        total = RIGHT - LEFT
        xs = [LEFT]
        for share in widths:
            xs.append(xs[-1] + share * total)
        top = self.y
        for i, row in enumerate(rows):
            for c, cell in enumerate(row):
                bold = i == 0 or cell.startswith("Total")
                x = xs[c] + 4 if c == 0 else xs[c + 1] - 4 - self.width(cell, 8.5, bold)
                self.text(x, self.y + 11.5, cell, 8.5, bold=bold)
            self.y += ROW_H
        for r in range(len(rows) + 1):
            self.line(xs[0], top + r * ROW_H, xs[-1], top + r * ROW_H, 0.8 if r in (0, 1) else 0.4)
        for x in xs:
            self.line(x, top, x, self.y, 0.4)
        self.y += 12
        return page

    def write_on(self, number: int, lines: Sequence[tuple[float, float, str, float, bool]]) -> None:
        """Write text on an earlier page (the contents page, once section pages are known)."""
        page = self.doc[number - 1]
        tw = pymupdf.TextWriter(page.rect)
        for x, y, text, size, bold in lines:
            tw.append((x, y), text, font=self.bold if bold else self.helv, fontsize=size)
        tw.write_text(page)

    def save(self, path: str, metadata: dict[str, str]) -> int:
        self.finish_page()
        self.doc.set_metadata(metadata)
        pages = self.doc.page_count
        self.doc.save(path, garbage=1, deflate=True)
        self.doc.close()
        return pages
