"""EPUB: each chapter (spine document) as a level-1 heading followed by its HTML blocks."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.ingest.parsers._common import clean, converting_errors
from sourcewise.core.ingest.parsers.html import html_blocks, html_title, load_html

# Font obfuscation (IDPF, Adobe) is not DRM: the text of such books is readable.
_FONT_OBFUSCATION = {b"http://www.idpf.org/2008/embedding", b"http://ns.adobe.com/pdf/enc#RC"}
_ALGORITHM = re.compile(rb"""Algorithm\s*=\s*["']([^"']+)["']""")


def parse(path: Path) -> ParsedDocument:
    from ebooklib import ITEM_DOCUMENT, epub  # lazy: imported only when a file needs it

    _check_drm(path)
    with converting_errors("EPUB"):
        # ignore_ncx silences ebooklib's warning about its changing default; the spine and the
        # EPUB 3 nav give the same structure.
        book = epub.read_epub(str(path), options={"ignore_ncx": True})
        title, author = _meta(book, "title"), _meta(book, "creator")
        toc = _toc_titles(book.toc)
        blocks: list[Block] = []
        for idref, _linear in book.spine:
            item = book.get_item_with_id(idref)
            if item is not None and item.get_type() == ITEM_DOCUMENT:
                chapter = toc.get(_bare(item.get_name()))
                blocks += _chapter_blocks(item.get_content(), chapter, title)
    return ParsedDocument(blocks=blocks, file_type="epub", title=title, author=author)


def _chapter_blocks(content: bytes, toc_title: str | None, book_title: str | None) -> list[Block]:
    soup = load_html(content)
    page_title = html_title(soup)
    body = html_blocks(soup)
    opening = body[0].text if body and body[0].kind == "heading" else None
    # Many books give every chapter the book's own <title>: no use as a chapter heading.
    title = toc_title or opening or (page_title if page_title != book_title else None)
    if opening and title and opening.casefold() == title.casefold():
        body = body[1:]  # the chapter's own heading, already emitted as the chapter title
    if not body and not opening:
        return []  # cover pages and image-only chapters have nothing to index
    return ([Block(title, kind="heading", level=1)] if title else []) + body


def _toc_titles(toc: Any) -> dict[str, str]:
    """Map chapter file names (without #fragment) to their table-of-contents titles."""
    titles: dict[str, str] = {}
    stack = list(toc) if isinstance(toc, list | tuple) else [toc]
    while stack:
        entry = stack.pop(0)
        if isinstance(entry, list | tuple):
            stack[:0] = list(entry)  # (Section, [children]) pairs and nested lists
            continue
        href, title = getattr(entry, "href", None), clean(getattr(entry, "title", "") or "")
        if href and title:
            titles.setdefault(_bare(href), title)
    return titles


def _bare(href: str) -> str:
    return posixpath.basename(href.split("#", 1)[0])


def _meta(book: Any, name: str) -> str | None:
    values = book.get_metadata("DC", name) or []
    text = clean(str(values[0][0])) if values else ""
    return text or None


def _check_drm(path: Path) -> None:
    """DRM-encrypted chapters are ciphertext; say so instead of indexing garbage."""
    with converting_errors("EPUB"):
        if not zipfile.is_zipfile(path):
            raise ParseError("corrupt", "not a valid EPUB (not a zip archive)")
        with zipfile.ZipFile(path) as archive:
            try:
                manifest = archive.read("META-INF/encryption.xml")
            except KeyError:
                return
    if set(_ALGORITHM.findall(manifest)) - _FONT_OBFUSCATION:
        raise ParseError("encrypted", "EPUB is DRM-protected")
