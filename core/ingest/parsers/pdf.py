"""PDF: text blocks per page in reading order, with page numbers, labels and boxes.

Headings are guessed from font size (a short block set clearly larger than the document's
body text). Tables (:mod:`pdf_tables`) become Markdown ``table`` blocks with the table's box,
their text taken out of the paragraphs, and a short line right above them as their caption. Lines repeated in the top or bottom margin of most pages (running heads, page
numbers) are dropped. Pages without a text layer but with a large image are OCR'd.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.ingest.parsers import ocr as ocr_engine
from sourcewise.core.ingest.parsers import pdf_columns, pdf_tables
from sourcewise.core.ingest.parsers._common import clean, converting_errors, describe_failure
from sourcewise.core.ingest.parsers._tables import markdown_table
from sourcewise.core.text.periods import MONTH_NAMES

# PyMuPDF is only partly annotated; its untyped calls would fail --strict, so documents and
# pages are handled as Any and untyped calls go through this alias.
_fitz: Any = pymupdf

# MuPDF writes its errors and warnings straight to stderr; a parser must stay silent and
# report through exceptions and ParsedDocument.warnings instead.
_fitz.TOOLS.mupdf_display_errors(False)
_fitz.TOOLS.mupdf_display_warnings(False)

# Ligatures expanded (search finds "fi"), words hyphenated across lines joined, off-page text cut.
_TEXT_FLAGS = pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_DEHYPHENATE
_HEADING_RATIO = 1.2  # a heading's smallest span is this much larger than the body text
_TITLE_RATIO = 1.6  # ... and this much larger for a level-1 heading
_HEADING_MAX_CHARS = 150
_MARGIN = 0.1  # top/bottom fraction of the page where running heads and folios live
_FURNITURE_MIN_PAGES = 4  # fewer pages are too little evidence that a line is a running head
_FURNITURE_CHARS = 100  # running heads and folios are short
_MIN_IMAGE_COVER = 0.1  # an untexted page whose images cover less than this is left blank
_CAPTION_CHARS = 200  # a caption is a short line ...
_CAPTION_GAP = 24.0  # ... at most this far (points) above its table (or the caption line below)
_CAPTION_BLOCKS = 10  # a statement's title, scale and period header lines (one block per column)
_PROSE = re.compile(r"^(?:\S+\s+){7,}\S*[a-z0-9)][.!?:]$")  # a sentence (or lead-in) of 8+ words
# A word of a statement's column labels besides a month: a day, a year, the scale.
_DATE_WORD = re.compile(
    r"^\d{1,2},?$|^(?:FY)?(?:19|20)\d\d,?$|^\(?(?:in|millions|thousands|billions)\)?$", re.I
)
_METADATA_KEYS = ("subject", "keywords", "creator", "producer", "creationDate", "modDate")

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class _Raw:
    """A text block before heading and margin decisions; ``size`` 0 means "not a heading"."""

    text: str
    bbox: Box
    size: float
    chars: int
    kind: str = "paragraph"  # "table": a Markdown table from pdf_tables


@dataclass
class _Page:
    number: int
    label: str | None
    height: float
    blocks: list[_Raw] = field(default_factory=list)


@dataclass
class _Report:
    ocr: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # untexted pages left alone (OCR off)
    ocr_failed: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)  # page number -> reason


def parse(path: Path, *, ocr: bool = True) -> ParsedDocument:
    doc = _open(path)
    report = _Report()
    try:
        with converting_errors("PDF"):
            pages = [_read_page(page, ocr=ocr, report=report) for page in doc]
            meta = doc.metadata or {}
            repaired = bool(doc.is_repaired)
    finally:
        doc.close()
    blocks = _blocks(pages)
    if not any(b.text for b in blocks):
        raise _no_text(report, repaired=repaired)
    first_heading = (b.text for b in blocks if b.kind == "heading" and b.page == 1)
    return ParsedDocument(
        blocks=blocks,
        file_type="pdf",
        title=_meta(meta, "title") or next(first_heading, None),
        author=_meta(meta, "author"),
        page_count=len(pages),
        metadata={key: value for key in _METADATA_KEYS if (value := _meta(meta, key))},
        warnings=_warnings(report, repaired=repaired),
    )


def _open(path: Path) -> Any:
    with converting_errors("PDF"):
        try:
            doc = _fitz.open(path, filetype="pdf")
        except pymupdf.EmptyFileError as err:
            raise ParseError("empty", "file is empty") from err
        except pymupdf.FileDataError as err:  # its message repeats the path; ours is shorter
            raise ParseError("corrupt", "not a valid PDF (damaged, or not a PDF at all)") from err
    if doc.needs_pass:
        doc.close()
        raise ParseError("encrypted", "PDF is password-protected")
    if doc.page_count == 0:
        doc.close()
        raise ParseError("corrupt", "not a valid PDF (no readable pages)")
    return doc


def _read_page(page: Any, *, ocr: bool, report: _Report) -> _Page:
    number = page.number + 1
    result = _Page(number, None, page.rect.height)
    try:
        result.label = _label(page)
        # One text extraction serves the paragraphs and the table finder's words: building it
        # is most of a page's parse time (twice cost ~30% more on a real 10-Q).
        textpage = page.get_textpage(flags=_TEXT_FLAGS)
        content: dict[str, Any] = page.get_text("dict", textpage=textpage, sort=True)
        tables = _tables(page, content, textpage)
        result.blocks = _in_reading_order(_text_blocks(content, tables), tables)
        if not result.blocks and _image_cover(page) >= _MIN_IMAGE_COVER:
            if ocr:
                result.blocks = _ocr_blocks(page)
                report.ocr.append(number)
            else:
                report.skipped.append(number)
    except ocr_engine.OcrError as err:
        report.ocr_failed[number] = str(err)
    # MuPDF raises its own exception types on a damaged page; one bad page must not cost the
    # rest of the document.
    except Exception as err:  # noqa: BLE001
        report.failed[number] = f"unreadable ({describe_failure(err)})"
    return result


def _label(page: Any) -> str | None:
    label = str(page.get_label() or "").strip()
    return label or None


def _tables(page: Any, content: dict[str, Any], textpage: Any) -> list[pdf_tables.PdfTable]:
    lines = [ln for block in content.get("blocks", []) for ln in block.get("lines", [])]
    try:
        return pdf_tables.page_tables(
            page, unruled=pdf_columns.may_hold_table(lines), textpage=textpage
        )
    # MuPDF and the table finder raise assorted errors on odd drawings; a table that cannot
    # be read leaves its text to the paragraphs rather than cost the page.
    except Exception:  # noqa: BLE001
        return []


def _text_blocks(content: dict[str, Any], tables: list[pdf_tables.PdfTable]) -> list[_Raw]:
    """Text blocks less the lines inside a table (their text is in the table block)."""
    boxes = [t.bbox for t in tables]
    blocks: list[_Raw] = []
    for block in content.get("blocks", []):
        lines = [ln for ln in block.get("lines", [])
                 if not any(pdf_tables.inside(ln["bbox"], box) for box in boxes)]  # fmt: skip
        spans = [span for line in lines for span in line.get("spans", [])]
        text = clean(" ".join("".join(s["text"] for s in ln["spans"]) for ln in lines))
        if text and spans:
            sizes = [span["size"] for span in spans if span["text"].strip()]
            chars = sum(len(span["text"].strip()) for span in spans)
            bbox = block["bbox"] if len(lines) == len(block["lines"]) else _lines_box(lines)
            blocks.append(_Raw(text, _box(bbox), min(sizes, default=0.0), chars))
    return blocks


def _lines_box(lines: list[dict[str, Any]]) -> Box:
    return _box((min(ln["bbox"][0] for ln in lines), min(ln["bbox"][1] for ln in lines),
                 max(ln["bbox"][2] for ln in lines), max(ln["bbox"][3] for ln in lines)))  # fmt: skip


def _in_reading_order(blocks: list[_Raw], tables: list[pdf_tables.PdfTable]) -> list[_Raw]:
    """Each table placed before the first block that starts below its top."""
    out = list(blocks)
    for table in sorted(tables, key=lambda t: t.bbox[1]):
        raw = _Raw(markdown_table(table.header, table.rows), table.bbox, 0.0, 0, "table")
        at = next((i for i, b in enumerate(out) if b.bbox[1] > table.bbox[1]), len(out))
        out.insert(at, raw)
    return out


def _ocr_blocks(page: Any) -> list[_Raw]:
    """OCR lines grouped into paragraphs: a gap taller than ~a line starts a new one."""
    blocks: list[list[ocr_engine.OcrLine]] = []
    for line in ocr_engine.ocr_page(page):
        previous = blocks[-1][-1] if blocks else None
        height = previous.bbox[3] - previous.bbox[1] if previous else 0.0
        if previous is not None and line.bbox[1] - previous.bbox[3] < 0.8 * height:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return [_Raw(" ".join(ln.text for ln in group), _union(group), 0.0, 0) for group in blocks]


def _image_cover(page: Any) -> float:
    """Fraction of the page covered by images (overlaps counted twice; capped at 1)."""
    area = abs(page.rect) or 1.0
    covered = 0.0
    for info in page.get_image_info():
        covered += abs(_fitz.Rect(info["bbox"]) & page.rect)
    return min(covered / area, 1.0)


def _blocks(pages: list[_Page]) -> list[Block]:
    furniture = _running_lines(pages)
    for page in pages:
        page.blocks = _without_furniture(page, furniture)
    body = _body_size(pages)
    blocks: list[Block] = []
    for page in pages:
        for raw in page.blocks:
            if raw.kind == "table":
                blocks.append(_table_block(raw, page, blocks))
                continue
            level = _heading_level(raw, body)
            blocks.append(
                Block(
                    raw.text,
                    kind="heading" if level else "paragraph",
                    level=level,
                    page=page.number,
                    page_label=page.label,
                    bbox=raw.bbox,
                )
            )
    return blocks


def _table_block(raw: _Raw, page: _Page, before: list[Block]) -> Block:
    """The table's block, taking the short paragraphs right above it as its caption: a
    statement's title, its scale and its period header ("INCOME STATEMENTS", "(In millions)",
    "Three Months Ended September 30, 2023 2022") often sit above the ruled or aligned part, and
    each piece of a split table repeats its caption. A heading there stays a heading."""
    text, bbox = raw.text, raw.bbox
    top = bbox
    caption: list[str] = []
    while len(caption) < _CAPTION_BLOCKS and before and _captions(before[-1], top, bbox, page):
        prev = before.pop()
        assert prev.bbox is not None  # _captions checked it
        caption.insert(0, prev.text)
        top = prev.bbox
    if caption:
        text = "\n".join([*caption, text])
        bbox = (min(bbox[0], top[0]), top[1], max(bbox[2], top[2]), bbox[3])
    return Block(text, kind="table", page=page.number, page_label=page.label, bbox=bbox)


def _captions(prev: Block, below: Box, table: Box, page: _Page) -> bool:
    """Whether ``prev`` is a short paragraph right above ``below`` (the table or the caption
    line under it) on the same page, and across the table's width; a sentence of the prose
    before it is not ("Selling, general and administrative expense was relatively flat …
    2022." above Apple's tax-rate table made its period labels unreadable)."""
    return (
        prev.kind == "paragraph"
        and prev.page == page.number
        and prev.bbox is not None
        and len(prev.text) <= _CAPTION_CHARS
        and (not _PROSE.search(prev.text) or _column_labels(prev.text))
        and prev.bbox[1] <= below[1]  # starts above it (header columns may overlap in height)
        and below[1] - prev.bbox[3] <= _CAPTION_GAP
        and prev.bbox[0] < table[2]
        and prev.bbox[2] > table[0]
    )


def _column_labels(text: str) -> bool:
    """Whether a line that reads as a sentence is a statement's column labels: mostly dates.
    Intel's "(In Millions) Sep 30, 2023 Oct 1, 2022 Sep 30, 2023 Oct 1, 2022 Net revenue:" ends
    like a lead-in, and its segment table was read without its periods."""
    words = text.split()
    dated = sum(1 for w in words if w.rstrip(".,").lower() in MONTH_NAMES or _DATE_WORD.match(w))
    return dated * 2 > len(words)


def _body_size(pages: list[_Page]) -> float:
    """The font size most of the text is set in (counted in characters)."""
    sizes = Counter[float]()
    for page in pages:
        for raw in page.blocks:
            if raw.size:
                sizes[round(raw.size, 1)] += raw.chars
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _heading_level(raw: _Raw, body: float) -> int:
    if not body or not raw.size or len(raw.text) > _HEADING_MAX_CHARS:
        return 0
    if raw.size < body * _HEADING_RATIO:
        return 0
    return 1 if raw.size >= body * _TITLE_RATIO else 2


def _running_lines(pages: list[_Page]) -> set[str]:
    """Margin texts (digits ignored) repeated on enough pages to be running heads or folios.

    Only pages with body text outside the margins count as evidence: a page whose one line
    sits near the top is content, not a header, however often the pattern repeats.
    """
    if len(pages) < _FURNITURE_MIN_PAGES:
        return set()
    seen = Counter[str]()
    for page in pages:
        if all(_in_margin(raw, page) for raw in page.blocks):  # no body text
            continue
        seen.update({_key(raw.text) for raw in _edges(page) if len(raw.text) <= _FURNITURE_CHARS})
    needed = max(_FURNITURE_MIN_PAGES - 1, len(pages) / 2)
    return {key for key, count in seen.items() if count >= needed}


def _without_furniture(page: _Page, furniture: set[str]) -> list[_Raw]:
    """The page's blocks less its running heads; a page is never emptied by this."""
    if not furniture:
        return page.blocks
    edges = set(_edges(page))
    kept = [raw for raw in page.blocks if not _is_furniture(raw, edges, furniture)]
    return kept or page.blocks


def _is_furniture(raw: _Raw, edges: set[_Raw], furniture: set[str]) -> bool:
    return raw.kind != "table" and raw in edges and _key(raw.text) in furniture


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _edges(page: _Page) -> list[_Raw]:
    """The page's blocks where a running head or folio may stand: words in the top or bottom
    margin or as the page's last text (Apple's 10-Q footer, "Apple Inc. | Q3 2022 Form 10-Q |
    1", follows each page's last line half-way down a short page, and was read into the next
    passage); a bare number first, last or in the bottom margin (a statement's column header
    "2022" sits in the top margin)."""
    if not page.blocks:
        return []
    first = min(raw.bbox[1] for raw in page.blocks)  # once per page: a page has ~100 blocks
    last = max(raw.bbox[1] for raw in page.blocks)
    return [raw for raw in page.blocks if _at_edge(raw, page, first, last)]


def _at_edge(raw: _Raw, page: _Page, first_top: float, last_top: float) -> bool:
    first, last = raw.bbox[1] <= first_top, raw.bbox[1] >= last_top
    if any(c.isalpha() for c in raw.text):
        return last or _in_margin(raw, page)
    return first or last or _in_bottom_margin(raw, page)


def _in_margin(raw: _Raw, page: _Page) -> bool:
    return raw.bbox[3] <= page.height * _MARGIN or _in_bottom_margin(raw, page)


def _in_bottom_margin(raw: _Raw, page: _Page) -> bool:
    return raw.bbox[1] >= page.height * (1 - _MARGIN)


def _box(values: Any) -> Box:
    x0, y0, x1, y1 = (round(float(v), 2) for v in values)
    return (x0, y0, x1, y1)


def _union(lines: list[ocr_engine.OcrLine]) -> Box:
    return _box(
        (
            min(ln.bbox[0] for ln in lines),
            min(ln.bbox[1] for ln in lines),
            max(ln.bbox[2] for ln in lines),
            max(ln.bbox[3] for ln in lines),
        )
    )


def _meta(meta: dict[str, Any], key: str) -> str | None:
    value = clean(str(meta.get(key) or ""))
    return value or None


def _pages(numbers: list[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(map(str, numbers))


def _warnings(report: _Report, *, repaired: bool) -> list[str]:
    warnings: list[str] = []
    if repaired:
        warnings.append("PDF is damaged and was repaired; some text may be missing")
    if report.ocr:
        warnings.append(f"{_pages(report.ocr)} read by OCR")
    if report.skipped:
        warnings.append(f"{_pages(report.skipped)} skipped: no text layer and OCR is off")
    for failures in (report.ocr_failed, report.failed):
        by_reason: dict[str, list[int]] = {}
        for number, reason in failures.items():
            by_reason.setdefault(reason, []).append(number)
        warnings += [f"{_pages(numbers)}: {reason}" for reason, numbers in by_reason.items()]
    return warnings


def _no_text(report: _Report, *, repaired: bool) -> ParseError:
    if repaired:
        return ParseError("corrupt", "PDF is damaged and no text could be recovered")
    if report.skipped:
        return ParseError("empty", "PDF has no text layer (scanned?) and OCR is off")
    if report.ocr_failed:
        first = next(iter(report.ocr_failed.values()))
        return ParseError("empty", f"PDF has no text layer (scanned?) and {first}")
    if report.failed:
        first = next(iter(report.failed.values()))
        return ParseError("corrupt", f"no page of the PDF could be read ({first})")
    return ParseError("empty", "PDF contains no text")
