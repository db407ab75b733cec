"""Text that cannot be read is not indexed: its page is left out and the file says why.

A damaged PDF that MuPDF "repairs", a font without a character map, or a binary file saved as
``.txt`` parse into runs of replacement characters (U+FFFD), control characters and private-use
code points ('�-�X�Q�H…'). Indexed, such noise matches nothing a person asks yet ranks for
unrelated queries (its chunk is short and its vector arbitrary). A page whose text is mostly
such characters is dropped with a warning; a file with nothing readable left fails as corrupt.
"""

from __future__ import annotations

from dataclasses import replace

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import Block, ParsedDocument

# Share of a page's visible characters that makes it unreadable. Real text has none or a few
# (a missing glyph here and there); repaired-PDF noise has a third or more.
UNREADABLE_SHARE = 0.3
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def garbage_share(text: str) -> float:
    """The share of ``text``'s non-space characters that no reader can make sense of."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    return sum(_is_garbage(c) for c in visible) / len(visible)


def without_unreadable(doc: ParsedDocument) -> ParsedDocument:
    """``doc`` less its unreadable pages (blocks, for formats without pages), with a warning;
    ParseError("corrupt") when nothing readable is left."""
    units = _units(doc.blocks)
    bad = [key for key, blocks in units.items() if _unreadable(blocks)]
    if not bad:
        return doc
    dropped = {id(b) for key in bad for b in units[key]}
    kept = [b for b in doc.blocks if id(b) not in dropped]
    if not any(b.text.strip() for b in kept):
        raise ParseError("corrupt", "no readable text (mostly replacement or control characters)")
    pages = sorted(k for k in bad if isinstance(k, int))
    where = f"{_pages(pages)}: " if pages else f"{len(bad)} passage(s): "
    warning = f"{where}unreadable text (mostly replacement or control characters), not indexed"
    return replace(doc, blocks=kept, warnings=[*doc.warnings, warning])


def _units(blocks: list[Block]) -> dict[int | str, list[Block]]:
    """Blocks grouped by page; a block without a page is a unit of its own."""
    out: dict[int | str, list[Block]] = {}
    for i, block in enumerate(blocks):
        out.setdefault(block.page if block.page is not None else f"block {i}", []).append(block)
    return out


def _unreadable(blocks: list[Block]) -> bool:
    return garbage_share("\n".join(b.text for b in blocks)) >= UNREADABLE_SHARE


def _is_garbage(char: str) -> bool:
    code = ord(char)
    return (
        code == 0xFFFD
        or (code < 0x20 and char not in _ALLOWED_CONTROLS)
        or 0x7F <= code < 0xA0
        or 0xE000 <= code <= 0xF8FF  # private use: a font's own codes, not characters
        or 0xD800 <= code <= 0xDFFF
    )


def _pages(numbers: list[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(map(str, numbers))
