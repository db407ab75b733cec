"""A document's identity card: what names it among look-alikes (company, year, quarter, version).

Passages of yearly reports look alike; what tells "3M 2018" from "3M 2019" or from another
company's 2018 report is mostly outside the passage: the file name, the title, the cover page.
The card gathers those into a few short fields that retrieval scores per document.

Two parts, because content is stored once per blob and shared by identical files:
- :class:`ContentCard`, from the parsed content (title, author, metadata dates, the first page's
  header lines and the periods on it), stored with the blob;
- :class:`DocumentCard`, that plus the file's own name, stored per document, so two paths with
  the same bytes keep their own identities.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from sourcewise.core.ingest.document import ParsedDocument
from sourcewise.core.ingest.issuer import read_issuer
from sourcewise.core.ingest.sources import meta as source_meta
from sourcewise.core.retrieve.periods import period_tokens

_HEADER_LINES = 8
_HEADER_LINE_CHARS = 120
_PERIOD_SCAN_CHARS = 4000
# Word boundaries inside file names: separators, lower-to-upper case, letters-to-digits.
_NAME_SEPARATORS = re.compile(r"[\s_\-.+,;()\[\]{}]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_STATED_PERIOD = re.compile(
    r"\bfor the (?:(?:fiscal |financial )?(?:quarterly period|quarter|year|period|half[- ]year)|"
    r"(?:three|six|nine|twelve) months) ended\s+((?:\w+\.?\s+\d{1,2},?\s+)?(?:19|20)\d{2})",
    re.I,
)
_PDF_DATE = re.compile(r"^D?:?((?:19|20)\d{2})(\d{2})?")
# The ParsedDocument.metadata key under which a source parser leaves its encoded metadata.
SOURCE_META = "sourcewise.meta"


@dataclass(frozen=True)
class ContentCard:
    title: str = ""
    author: str = ""
    dates: str = ""  # creation / modification dates from the file's metadata, as YYYY-MM
    header: str = ""  # the first page's short lines (cover, running title, period)
    periods: str = ""  # period tokens found in the title and on the first page
    issuer: str = ""  # who the document is by and its form, as identity words (ingest.issuer)
    kind: str = ""  # what kind of document: "quarterly report", "earnings release", "minutes"
    meta: str = ""  # source metadata read from the content (ingest.sources.meta, encoded)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> ContentCard:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(**{k: str(v) for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class DocumentCard:
    name: str  # the file name split into words, then the issuer's identity words
    title: str  # what to show as the document's title
    body: str  # author, dates and header lines
    periods: str  # period tokens of the name, title and first page

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.name, self.title, self.body) if part)


def name_words(path: str | Path) -> str:
    """``acme_2018_10K.pdf`` -> ``acme 2018 10K``; ``AnnualReport-FY19.docx`` -> ``Annual Report FY19``."""
    stem = Path(path).stem
    words = [w for part in _NAME_SEPARATORS.split(stem) for w in _CAMEL.split(part) if w]
    return " ".join(words)


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


def document_card(
    path: str | Path, content: ContentCard, meta: source_meta.Meta | None = None
) -> DocumentCard:
    """The card of the document at ``path``; ``meta`` is its merged source metadata (a message's
    sender and date, a paper's authors and year), which names it before its file name does."""
    meta = meta or {}
    file_words = name_words(path)
    identity = source_meta.card_names(meta)
    # A paper is named by its authors and year, a message by its sender: their file names
    # ("Smith - Attention in small networks.pdf", "<id>.eml") are title words or noise, which
    # questions use for content (as names, retrieval would drop them from the passage query).
    # A note keeps its file name and is named by its tags too.
    instead = bool(meta.get("author_last") or meta.get("sender"))
    named_by = identity if instead else " ".join(p for p in (file_words, identity) if p)
    name = " ".join(part for part in (named_by, content.issuer) if part)
    periods = list(dict.fromkeys(period_tokens(name) + content.periods.split()))
    parts = (content.author, content.kind, content.dates, *source_meta.card_lines(meta),
             file_words if instead else "", content.header)  # fmt: skip
    body = "\n".join(part for part in parts if part)
    title = next(iter(meta.get("title", [])), "") or content.title or name_words(path)
    return DocumentCard(name=name, title=title, body=body, periods=" ".join(periods))


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
