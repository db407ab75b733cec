"""Find a cited passage on a PDF page and render the page with PyMuPDF (no Qt here).

A chunk's text rarely matches the page byte for byte (line breaks, hyphenation, ligatures), so
the passage is searched sentence by sentence: each sentence as a whole first (``search_for``
matches across line breaks and returns one rectangle per line), then its first words. Ligatures
are expanded for the search, as the indexer expands them when it extracts text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from sourcewise.core.text.sentences import sentences

_FLAGS = pymupdf.TEXT_DEHYPHENATE | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
_PARAGRAPH = re.compile(r"\n\s*\n")
_MARKUP = re.compile(r"^[#>*\-\s•·]+|\*\*|__|`")
_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")  # a Markdown table row (the indexer's table form)
MAX_PIECES = 16
MAX_CELLS = 80  # a table is highlighted cell by cell, up to this many cells
MIN_PIECE = 12
MIN_DPI, MAX_DPI = 40.0, 220.0


@dataclass
class RenderedPage:
    """An RGB page image plus the highlight rectangles in image pixels."""

    samples: bytes
    width: int
    height: int
    stride: int
    page: int  # 1-based
    page_count: int
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)


def passage_pieces(passage: str, max_len: int = 220) -> list[str]:
    """The passage as searchable pieces: sentences (long ones cut at a word boundary), and the
    cells of a Markdown table (its text is not on the page with the pipes)."""
    lines = passage.splitlines()
    cells = [_table_cells(line) for line in lines if _TABLE_LINE.match(line)]
    if cells:
        prose = "\n".join(line for line in lines if not _TABLE_LINE.match(line))
        found = [c for row in cells for c in row]
        return _prose_pieces(prose, max_len)[:MAX_PIECES] + list(dict.fromkeys(found))[:MAX_CELLS]
    return _prose_pieces(passage, max_len)[:MAX_PIECES]


def _table_cells(line: str) -> list[str]:
    cells = [c.strip().replace("\\|", "|") for c in line.strip().strip("|").split(" | ")]
    return [c for c in cells if c and not set(c) <= set("-: ")]


def _prose_pieces(passage: str, max_len: int) -> list[str]:
    pieces: list[str] = []
    for para in _PARAGRAPH.split(passage):
        text = " ".join(_MARKUP.sub("", line).strip() for line in para.splitlines()).strip()
        if not text:
            continue
        for sentence in sentences(text, clauses=True):
            words = sentence.text.split()
            while words:
                piece, words = _take(words, max_len)
                if len(piece) >= MIN_PIECE or not pieces:
                    pieces.append(piece)
    return pieces


def _take(words: list[str], max_len: int) -> tuple[str, list[str]]:
    out: list[str] = []
    length = 0
    for i, word in enumerate(words):
        if out and length + 1 + len(word) > max_len:
            return " ".join(out), words[i:]
        out.append(word)
        length += len(word) + (1 if length else 0)
    return " ".join(out), []


def find_passage(page: pymupdf.Page, passage: str) -> list[pymupdf.Rect]:
    """Rectangles (PDF points) covering the passage's text on ``page``; empty if not found."""
    rects: list[pymupdf.Rect] = []
    for piece in passage_pieces(passage):
        found = page.search_for(piece, flags=_FLAGS)
        if not found:
            words = piece.split()
            if len(words) > 6:  # a sentence that differs somewhere: anchor on its start
                found = page.search_for(" ".join(words[:6]), flags=_FLAGS)
        rects.extend(r for r in found if r not in rects)
    return rects


def locate_page(doc: pymupdf.Document, passage: str, page: int | None) -> int:
    """The 1-based page to show: the cited one, else the first page where the passage occurs."""
    if page is not None and 1 <= page <= doc.page_count:
        return page
    for number in range(min(doc.page_count, 200)):
        if find_passage(doc[number], passage):
            return number + 1
    return 1


def render_page(path: str | Path, page: int | None, passage: str, width_px: int) -> RenderedPage:
    """Render the page at a DPI that fits ``width_px`` and find the passage on it.

    Raises ``RuntimeError``/``pymupdf.FileDataError`` for files PyMuPDF cannot open.
    """
    with pymupdf.open(path) as doc:
        if doc.needs_pass:
            raise RuntimeError("the PDF is password-protected")
        number = locate_page(doc, passage, page)
        pdf_page = doc[number - 1]
        zoom = max(MIN_DPI / 72, min(MAX_DPI / 72, width_px / max(pdf_page.rect.width, 1.0)))
        matrix = pymupdf.Matrix(zoom, zoom)
        pix = pdf_page.get_pixmap(matrix=matrix, alpha=False)
        rects = [r * matrix for r in find_passage(pdf_page, passage)]
        return RenderedPage(
            samples=bytes(pix.samples), width=pix.width, height=pix.height, stride=pix.stride,
            page=number, page_count=doc.page_count,
            rects=[(r.x0, r.y0, r.width, r.height) for r in rects],
        )  # fmt: skip
