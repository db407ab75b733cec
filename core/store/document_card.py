"""A document's card as the store writes it: the content's part, stored with the blob, and the
document's own card (that plus its file name and source metadata), stored per document.

The store composes the document card itself, inside the write that changes what names it (a
file linked to known content, new source metadata), so the composition lives with the store;
ingestion reads the content's part from a parsed document (``ingest/card.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from sourcewise.core.store import source_meta
from sourcewise.core.text.periods import period_tokens

# Word boundaries inside file names: separators, lower-to-upper case, letters-to-digits.
_NAME_SEPARATORS = re.compile(r"[\s_\-.+,;()\[\]{}]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class ContentCard:
    title: str = ""
    author: str = ""
    dates: str = ""  # creation / modification dates from the file's metadata, as YYYY-MM
    header: str = ""  # the first page's short lines (cover, running title, period)
    periods: str = ""  # period tokens found in the title and on the first page
    issuer: str = ""  # who the document is by and its form, as identity words (text.issuer)
    kind: str = ""  # what kind of document: "quarterly report", "earnings release", "minutes"
    meta: str = ""  # source metadata read from the content (store.source_meta, encoded)

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
