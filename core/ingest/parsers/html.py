"""HTML: the page's main content as headings, paragraphs, lists, code and tables.

Navigation, headers, footers, forms and scripts are dropped; ``<main>`` (or a lone
``<article>``) is preferred when present. :func:`html_blocks` is shared with the EPUB parser.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PreformattedString

from sourcewise.core.ingest.document import Block, BlockKind, ParsedDocument
from sourcewise.core.ingest.parsers._common import clean, converting_errors, split_long
from sourcewise.core.ingest.parsers._tables import table_blocks
from sourcewise.core.ingest.parsers.text import decode_bytes

_NOISE = frozenset(
    {
        "head", "script", "style", "nav", "header", "footer", "aside", "form", "noscript",
        "template", "svg", "iframe", "button", "select", "object", "embed", "canvas", "dialog",
    }
)  # fmt: skip
_NOISE_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
# Tags whose text flows into the surrounding paragraph; every other tag starts a new block.
_INLINE = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "em", "font", "i",
        "img", "ins", "del", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strong",
        "sub", "sup", "time", "u", "var", "wbr", "tt", "big", "strike", "nobr",
    }
)  # fmt: skip
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def parse(path: Path) -> ParsedDocument:
    ext = path.suffix.lower().lstrip(".") or "html"
    with converting_errors("HTML"):
        soup = load_html(path.read_bytes())
        title = html_title(soup)
        blocks = html_blocks(soup)
    if title is None:
        title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    return ParsedDocument(blocks=blocks, file_type=ext, title=title)


def load_html(data: bytes) -> BeautifulSoup:
    """Decode (BOM, UTF-8, ``<meta charset>``, then guessing) and parse with lxml."""
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii") if match else None
    text = decode_bytes(data, declared=declared)
    with warnings.catch_warnings():
        # XHTML (EPUB chapters, .xhtml files) is read as HTML on purpose: lxml's HTML parser
        # forgives the malformed markup that an XML parser would reject.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(text, "lxml")


def html_title(soup: BeautifulSoup) -> str | None:
    tag = soup.find("title")
    text = clean(tag.get_text()) if isinstance(tag, Tag) else ""
    return text or None


def html_blocks(root: Tag) -> list[Block]:
    """Blocks of ``root``'s main content in document order (mutates ``root``: drops noise)."""
    _drop_noise(root)
    walker = _Walker()
    walker.walk(_main_content(root))
    walker.flush()
    return walker.blocks


def _drop_noise(root: Tag) -> None:
    for tag in root.find_all(True):
        if not tag.decomposed and _is_noise(tag):
            tag.decompose()


def _is_noise(tag: Tag) -> bool:
    if tag.name in {"header", "footer"}:
        # An article's own header holds its title; only page-level headers are chrome.
        return tag.find_parent(["article", "main"]) is None
    if tag.name in _NOISE or tag.has_attr("hidden"):
        return True
    role = tag.get("role")
    return tag.get("aria-hidden") == "true" or (isinstance(role, str) and role in _NOISE_ROLES)


def _main_content(root: Tag) -> Tag:
    main = root.find("main") or root.find(None, {"role": "main"})
    if isinstance(main, Tag):
        return main
    articles = root.find_all("article")
    if len(articles) == 1:
        return articles[0]
    body = root.find("body")
    return body if isinstance(body, Tag) else root


class _Walker:
    """Collects blocks; loose inline text between block elements becomes a paragraph."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._inline: list[str] = []

    def walk(self, root: Tag) -> None:
        # An explicit stack, not recursion: real pages nest divs deeper than Python's limit.
        stack = [iter(root.children)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                self.flush()  # the end of a container ends its loose text
            elif isinstance(child, Tag):
                if self._visit(child):
                    stack.append(iter(child.children))
            elif _is_text(child):
                self._inline.append(str(child))

    def flush(self) -> None:
        if self._inline:
            self._add(clean("".join(self._inline)), "paragraph")
            self._inline = []

    def _visit(self, tag: Tag) -> bool:
        """Handle ``tag``; True when it is a container whose children must be walked."""
        if tag.name in _INLINE:
            self._inline.append(_raw_text(tag) if tag.name != "br" else " ")
            return False
        self.flush()
        if tag.name in _HEADINGS:
            self._add(_text(tag), "heading", _HEADINGS[tag.name])
        elif tag.name in {"ul", "ol", "dl"}:
            self._add(_list_text(tag), "list")
        elif tag.name == "pre":
            self._add(tag.get_text().strip("\n").rstrip(), "code")
        elif tag.name == "table":
            self.blocks.extend(_table_blocks(tag))
        else:
            return True
        return False

    def _add(self, text: str, kind: BlockKind, level: int = 0) -> None:
        if text.strip():
            self.blocks.extend(Block(piece, kind=kind, level=level) for piece in split_long(text))


def _is_text(node: object) -> bool:
    # Comments, doctypes and CDATA are PreformattedString subclasses: markup, not content.
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _raw_text(tag: Tag) -> str:
    """Text of ``tag`` with a space wherever a block-level element or <br> would break a line."""
    parts: list[str] = []
    for node in tag.descendants:
        if isinstance(node, Tag):
            if node.name not in _INLINE or node.name == "br":
                parts.append(" ")
        elif _is_text(node):
            parts.append(str(node))
    return "".join(parts)


def _text(tag: Tag) -> str:
    return clean(_raw_text(tag))


def _list_text(tag: Tag) -> str:
    items = tag.find_all(["li", "dt", "dd"], recursive=False)
    if not items:
        return _text(tag)
    texts = (_text(item) for item in items)
    return "\n".join(f"- {text}" for text in texts if text)


def _table_blocks(table: Tag) -> list[Block]:
    """The first row is the header (``<th>`` or not); ``<caption>`` goes above the table."""
    rows: list[list[str]] = []
    for row in table.find_all("tr"):
        cells = [_text(cell) for cell in row.find_all(["th", "td"], recursive=False)]
        if any(cells):
            rows.append(cells)
    caption = table.find("caption")
    title = _text(caption) if isinstance(caption, Tag) else None
    return table_blocks(rows[0], rows[1:], caption=title) if rows else []
