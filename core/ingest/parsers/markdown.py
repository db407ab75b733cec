"""Markdown: ATX and setext headings, paragraphs, lists, tables, fenced and indented code.

A small line-based reader rather than a full CommonMark parser: the chunker needs block
structure, not rendering, and no markdown library is a dependency.
"""

from __future__ import annotations

import re
from pathlib import Path

from sourcewise.core.ingest.card import SOURCE_META
from sourcewise.core.ingest.document import Block, BlockKind, ParsedDocument
from sourcewise.core.ingest.parsers._common import converting_errors, split_long
from sourcewise.core.ingest.parsers._tables import table_blocks
from sourcewise.core.ingest.parsers.text import decode_bytes
from sourcewise.core.ingest.sources import vault
from sourcewise.core.store import source_meta
from sourcewise.core.store.source_meta import Meta

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HRULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_TABLE_DELIM = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_FRONT_TITLE = re.compile(r"""^title\s*[:=]\s*["']?(.*?)["']?\s*$""", re.I)
_FRONT_FENCES = {"---": ("---", "..."), "+++": ("+++",)}


def parse(path: Path) -> ParsedDocument:
    ext = path.suffix.lower().lstrip(".") or "md"
    with converting_errors("Markdown"):
        text = decode_bytes(path.read_bytes())
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].strip() == "+++":  # TOML front matter (Hugo): only its title
        title, start = _toml_front_matter(lines)
        fields: Meta = {}
        warnings: list[str] = []
    else:
        fields, start, warning = vault.front_matter(lines)
        title = next(iter(fields.get("title", [])), None)
        warnings = [warning] if warning else []
    body = lines[start:]
    links: list[str] = []
    if any("[[" in line for line in body):
        body, links = vault.resolve_links(body, path)
    blocks = _Reader(body).read()
    if title is None:
        title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    meta = _note_meta(fields, blocks, links)
    return ParsedDocument(blocks=blocks, file_type=ext, title=title, warnings=warnings,
                          metadata={SOURCE_META: source_meta.encode(meta)} if meta else {})  # fmt: skip


def _note_meta(fields: Meta, blocks: list[Block], links: list[str]) -> Meta:
    """Front-matter fields, every tag (front matter and #tags in the text, not in code) and the
    titles of linked notes."""
    text = "\n".join(b.text for b in blocks if b.kind not in ("code", "heading"))
    tags = [t.lower() for t in fields.get("tag", [])] + vault.inline_tags(text)
    # How a citation names the note is not the note's to say (a "cite:" field is kept as text).
    meta = {**fields, "tag": list(dict.fromkeys(tags)), "link": links, "cite": []}
    return source_meta.clean({k: v for k, v in meta.items() if v})


def _toml_front_matter(lines: list[str]) -> tuple[str | None, int]:
    """(title, index of the first body line) for TOML ``+++`` front matter."""
    closers = _FRONT_FENCES.get(lines[0].strip()) if lines else None
    if not closers:
        return None, 0
    for end in range(1, min(len(lines), 300)):
        if lines[end].strip() in closers:
            titles = (_FRONT_TITLE.match(line.strip()) for line in lines[1:end])
            title = next((m.group(1).strip() for m in titles if m and m.group(1).strip()), None)
            return title, end + 1
    return None, 0


def _inline(text: str) -> str:
    """Links and images read as their text; everything else is kept as written."""
    return _LINK.sub(r"\1", text).strip()


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.i = 0
        self.blocks: list[Block] = []

    def read(self) -> list[Block]:
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if not line.strip() or _HRULE.match(line):
                self.i += 1
            elif _FENCE.match(line):
                self._fenced()
            elif heading := _ATX.match(line):
                self._add(_inline(heading.group(2) or ""), "heading", len(heading.group(1)))
                self.i += 1
            elif self._table_starts():
                self._table()
            elif _LIST_ITEM.match(line):
                self._list()
            elif line.startswith(("    ", "\t")):
                self._indented_code()
            else:
                self._paragraph()
        return self.blocks

    def _add(self, text: str, kind: BlockKind, level: int = 0) -> None:
        if text.strip():
            self.blocks.extend(Block(piece, kind=kind, level=level) for piece in split_long(text))

    def _fenced(self) -> None:
        fence = _FENCE.match(self.lines[self.i])
        marker = fence.group(1) if fence else "```"
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        start = self.i + 1
        end = start
        while end < len(self.lines) and not closing.match(self.lines[end]):
            end += 1
        self._add("\n".join(self.lines[start:end]).strip("\n").rstrip(), "code")
        self.i = end + 1

    def _indented_code(self) -> None:
        start = self.i
        while self.i < len(self.lines) and (
            not self.lines[self.i].strip() or self.lines[self.i].startswith(("    ", "\t"))
        ):
            self.i += 1
        body = [
            line[4:] if line.startswith("    ") else line[1:] for line in self.lines[start : self.i]
        ]
        self._add("\n".join(body).strip("\n").rstrip(), "code")

    def _table_starts(self) -> bool:
        nxt = self.i + 1
        return (
            "|" in self.lines[self.i]
            and nxt < len(self.lines)
            and "-" in self.lines[nxt]
            and bool(_TABLE_DELIM.match(self.lines[nxt]))
        )

    def _table(self) -> None:
        rows = [_cells(self.lines[self.i])]
        self.i += 2  # header row and delimiter row
        while self.i < len(self.lines) and "|" in self.lines[self.i]:
            rows.append(_cells(self.lines[self.i]))
            self.i += 1
        self.blocks.extend(table_blocks(rows[0], rows[1:]))

    def _list(self) -> None:
        items: list[str] = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if _LIST_ITEM.match(line):
                items.append(line.rstrip())
            elif line.strip() and not self._ends_block(line):
                items[-1] += " " + line.strip()  # continuation of the current item
            elif line.strip() or not self._list_continues():
                break
            self.i += 1
        self._add("\n".join(_inline(item) for item in items), "list")

    def _list_continues(self) -> bool:
        """After a blank line: does the list go on (next item or indented text)?"""
        nxt = self.i + 1
        while nxt < len(self.lines) and not self.lines[nxt].strip():
            nxt += 1
        if nxt >= len(self.lines):
            return False
        line = self.lines[nxt]
        return bool(_LIST_ITEM.match(line)) or line.startswith(("  ", "\t"))

    def _ends_block(self, line: str) -> bool:
        return bool(_FENCE.match(line) or _ATX.match(line) or _HRULE.match(line))

    def _paragraph(self) -> None:
        parts: list[str] = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if parts and (setext := _SETEXT.match(line)):
                level = 1 if setext.group(1).startswith("=") else 2
                self._add(_inline(" ".join(parts)), "heading", level)
                self.i += 1
                return
            if not line.strip() or (parts and (self._ends_block(line) or _LIST_ITEM.match(line))):
                break
            parts.append(_QUOTE.sub("", line).strip())
            self.i += 1
        self._add(_inline(" ".join(p for p in parts if p)), "paragraph")


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row.removeprefix("|").removesuffix("|")
    return [_inline(cell) for cell in row.split("|")]
