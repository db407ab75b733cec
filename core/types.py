"""Typed results returned by the engine facade (plain dataclasses, JSON-ready via ``asdict``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


def to_json(obj: Any) -> Any:
    """Dataclasses, and lists or dicts holding them, as JSON-ready structures."""
    if isinstance(obj, (list, tuple)):
        return [to_json(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_json(v) for k, v in obj.items()}
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)
    return obj


@dataclass(frozen=True)
class FileFailure:
    path: str
    status: str  # a FailureKind: encrypted, corrupt, unsupported, too_large, ...
    message: str


@dataclass
class IndexReport:
    collection: str
    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_moved: int = 0
    files_deduplicated: int = 0
    files_removed: int = 0
    files_failed: int = 0
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    failures: list[FileFailure] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentInfo:
    path: str
    collection: str
    status: str  # indexed, pending, failed status code
    file_type: str
    size: int
    pages: int | None
    chunks: int
    error: str | None
    title: str | None = None


@dataclass
class IndexStatus:
    collections: dict[str, int]  # name -> document count
    documents: int
    chunks: int
    vectors: int
    embed_model: str
    ann: str  # "flat" or "hnsw"
    failed: list[FileFailure] = field(default_factory=list)
    pending: int = 0


@dataclass(frozen=True)
class SearchHit:
    rank: int
    score: float  # rerank score when reranked, else the fused score
    path: str
    page: int | None  # 1-based
    chunk_id: int
    heading: str
    text: str
    start: int  # character span of the chunk in the document's extracted text
    end: int
    document_id: int = 0
    pages: list[int] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # dense, keyword, fused, rerank


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied inside retrieval (not by discarding results after top-k)."""

    collections: tuple[str, ...] = ()
    folder: str | None = None  # absolute folder; matches documents beneath it
    path_glob: str | None = None  # fnmatch-style, against the absolute path
    file_types: tuple[str, ...] = ()  # extensions without the dot
    modified_since: float | None = None  # unix time


@dataclass(frozen=True)
class ChatTurn:
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True)
class Citation:
    n: int
    path: str
    page: int | None
    chunk_id: int
    text: str
    supported: bool | None = None
    score: float = 0.0
    start: int = 0
    end: int = 0
    heading: str = ""


@dataclass
class Timings:
    retrieve_ms: float = 0.0
    ttft_ms: float = 0.0
    tokens_per_s: float = 0.0
    total_ms: float = 0.0


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    standalone_query: str = ""
    timings: Timings = field(default_factory=Timings)
    nearest: list[SearchHit] = field(default_factory=list)  # shown when abstaining
