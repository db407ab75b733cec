"""A document's identity card: what names it among look-alikes (company, year, quarter, version).

Passages of yearly reports look alike; what tells "3M 2018" from "3M 2019" or from another
company's 2018 report is mostly outside the passage: the file name, the title, the cover page.
The card gathers those into a few short fields that retrieval scores per document.

Two parts, because content is stored once per blob and shared by identical files:
- ``ContentCard``, read here from the parsed content (title, author, metadata dates, the first
  page's header lines and the periods on it), stored with the blob;
- ``DocumentCard``, that plus the file's own name, stored per document, so two paths with
  the same bytes keep their own identities; the store composes it (``store/document_card.py``).
"""

from __future__ import annotations

import re

from sourcewise.core.ingest.document import ParsedDocument
from sourcewise.core.store.document_card import ContentCard
from sourcewise.core.text.issuer import read_issuer
from sourcewise.core.text.periods import period_tokens

_HEADER_LINES = 8
_HEADER_LINE_CHARS = 120
_PERIOD_SCAN_CHARS = 4000
_STATED_PERIOD = re.compile(
    r"\bfor the (?:(?:fiscal |financial )?(?:quarterly period|quarter|year|period|half[- ]year)|"
    r"(?:three|six|nine|twelve) months) ended\s+((?:\w+\.?\s+\d{1,2},?\s+)?(?:19|20)\d{2})",
    re.I,
)
_PDF_DATE = re.compile(r"^D?:?((?:19|20)\d{2})(\d{2})?")
# The ParsedDocument.metadata key under which a source parser leaves its encoded metadata.
SOURCE_META = "sourcewise.meta"


def content_card(doc: ParsedDocument) -> ContentCard:
    title = (doc.title or "").strip()
    blocks = _first_page_blocks(doc)
    first = "\n".join(blocks)
    header = "\n".join(_header_lines(blocks, title))
    dates = " ".join(
        d for key in ("creationDate", "modDate") if (d := _metadata_date(doc.metadata.get(key)))
    )
    # A cover that states its period names it; its other dates ("Notes due 2042") do not.
    opening = first[:_PERIOD_SCAN_CHARS]
    stated = _STATED_PERIOD.search(opening)
    periods = period_tokens(f"{title}\n{stated.group(1) if stated else opening}")
    issuer = read_issuer(f"{title}\n{first}")
    return ContentCard(title=title, author=(doc.author or "").strip(), dates=dates,
                       header=header, periods=" ".join(periods), issuer=issuer.words(),
                       kind=issuer.kind, meta=doc.metadata.get(SOURCE_META, ""))  # fmt: skip


def _first_page_blocks(doc: ParsedDocument) -> list[str]:
    """Texts of the first page's blocks (or, without pages, of the opening blocks)."""
    pages = [b.page for b in doc.blocks if b.page is not None]
    if pages:
        first = min(pages)
        return [b.text for b in doc.blocks if b.page == first]
    return [b.text for b in doc.blocks[:_HEADER_LINES]]


def _header_lines(texts: list[str], title: str) -> list[str]:
    """The first line of each opening block, cut at a word before ``_HEADER_LINE_CHARS``: a
    cover's name, title and period, not the body's paragraphs (nor the title again)."""
    lines: list[str] = []
    for text in texts:
        line = " ".join(text.split("\n", 1)[0].split())
        if len(line) > _HEADER_LINE_CHARS:
            line = line[:_HEADER_LINE_CHARS].rsplit(" ", 1)[0]
        if line and line.casefold() != title.casefold():
            lines.append(line)
    return list(dict.fromkeys(lines))[:_HEADER_LINES]


def _metadata_date(value: str | None) -> str:
    """PDF dates look like ``D:20190215093000+01'00'``; ISO dates start with the year."""
    if not value:
        return ""
    m = _PDF_DATE.match(value.strip())
    if not m:
        return ""
    return f"{m.group(1)}-{m.group(2)}" if m.group(2) else m.group(1)
