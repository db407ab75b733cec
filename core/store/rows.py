"""The rows the library store writes and reads, as typed records: what a caller hands the store
(a chunk to store, a blob's facts) and what comes back (a hit's row, a stored document, its
chunks in order).

Layer-neutral: the Store protocol (``protocol.py``), both backends (SQLite here, PostgreSQL in
``postgres/``) and their callers (ingestion, retrieval, answers) import these, and this module
imports none of them, so no caller depends on a backend to name what it passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk ready to store: text plus provenance (pages 1-based, span in extracted text)."""

    text: str
    heading: str
    page_start: int | None
    page_end: int | None
    page_label: str | None
    start: int
    end: int
    tokens: int
    kind: str = "text"  # "text" or "table" (set by the chunker; stored by its own migration)
    # Where each page begins in ``text``: "offset:page" pairs ("0:3 812:4"), for exact pages.
    page_marks: str = ""


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int
    file_type: str
    title: str | None
    author: str | None
    page_count: int | None
    text_length: int
    warnings: str | None
    card: str | None = None  # ContentCard JSON (store/document_card.py)


@dataclass(frozen=True)
class StoredDocument:
    document_id: int
    blob_id: int
    path: str
    title: str  # the card's title, else ""
    pages: int | None
    sha256: str


@dataclass(frozen=True)
class OrderedChunk:
    chunk_id: int
    text: str
    heading: str
    page_start: int | None
    page_end: int | None
    start: int  # character span in the document's extracted text
    end: int
    page_marks: str  # "offset:page" pairs, relative to ``start``
    kind: str  # "text" or "table"


@dataclass(frozen=True, slots=True)
class HitRow:
    """One (chunk, indexed document holding it) pair that search filters allow: the chunk, the
    document's path and id, its card's title and the source's reference ("Smith et al. 2021")."""

    chunk_id: int
    blob_id: int
    text: str
    heading: str
    page_start: int | None
    page_end: int | None
    start: int  # character span in the document's extracted text
    end: int
    page_marks: str  # "offset:page" pairs, relative to ``start``
    path: str
    document_id: int
    title: str  # the card's title, else ""
    kind: str  # "text" or "table"
    reference: str  # how a citation names the source, else ""
    names: str  # the card's name words (file name, issuer, ticker), else ""
