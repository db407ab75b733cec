"""What a parser returns, a document as an ordered list of typed text blocks with provenance.
What the chunker makes of it, chunks ready to store, is ``store.rows.ChunkRecord``.

Blocks keep the structure the chunker needs (headings with their level, paragraphs, tables,
records, page numbers). Pages are 1-based as viewers number them; ``page_label`` keeps a PDF's
own labels ("iv", "A-3") when it has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "table", "record", "code", "list"]

# Stable status codes for files that cannot be indexed; the UI and `status --json` show them.
FailureKind = Literal[
    "encrypted", "corrupt", "unsupported", "too_large", "unreadable", "not_text", "empty"
]


@dataclass(frozen=True)
class Block:
    text: str
    kind: BlockKind = "paragraph"
    page: int | None = None
    page_label: str | None = None
    level: int = 0  # heading level 1..6; 0 for non-headings
    # PDF only: the block's rectangle on its page (points), so a passage can be highlighted later.
    bbox: tuple[float, float, float, float] | None = None


@dataclass
class ParsedDocument:
    blocks: list[Block]
    file_type: str  # lower-case extension without the dot: "pdf", "docx", "md"...
    title: str | None = None
    author: str | None = None
    page_count: int | None = None  # pages, slides or sheets; None when the format has none
    metadata: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # e.g. "pages 3, 7 read by OCR"

    @property
    def text_length(self) -> int:
        return sum(len(b.text) for b in self.blocks)
