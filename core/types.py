"""Typed results returned by the engine facade (plain dataclasses, JSON-ready via ``asdict``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

if TYPE_CHECKING:
    from sourcewise.core.progress import CancelToken, ProgressCallback


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


@dataclass(frozen=True)
class FileWarning:
    """An indexed file that was read only in part or by other means ("page 2 read by OCR")."""

    path: str
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
    chunks_reembedded: int = 0  # with a new embedding model (embed.model changed)
    seconds: float = 0.0
    cancelled: bool = False
    failures: list[FileFailure] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)  # of the files indexed this run


class RootFolder(NamedTuple):
    """A folder added to the library, and whether it is watched for changes."""

    collection: str
    folder: str
    watched: bool


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
    document_id: int = 0  # what engine.library.documents and .passages select by


@dataclass(frozen=True)
class ReembedProgress:
    """A change of embedding model being applied: ``done`` of ``total`` chunks have vectors of
    ``model`` so far; until all do, search reads the vectors of ``live_model``."""

    model: str
    done: int
    total: int
    live_model: str


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
    warnings: list[FileWarning] = field(default_factory=list)  # of indexed documents
    # Share of the text per guessed language (ISO 639-1; "und" undetermined), from a sample
    # of chunks, largest first; and the share that is in another language than English.
    languages: dict[str, float] = field(default_factory=dict)
    non_english: float = 0.0
    # A proposal for the user, e.g. a multilingual embedder for a mostly German library.
    hints: list[str] = field(default_factory=list)
    reembed: ReembedProgress | None = None  # set while a change of embedder is re-embedding


@dataclass(frozen=True)
class LibraryCheck:
    """The answer to "can this computer use that library?" (a team library's connection test)."""

    ok: bool
    summary: str  # one sentence for the user: what was found, or what is wrong and what to do
    detail: str = ""  # the database client's own words, when it failed
    documents: int = 0  # in the library, when one was found


@dataclass(frozen=True)
class ModelServerCheck:
    """The answer to "can the chat model on that server answer?" (the desktop's test of
    ``llm.backend = "openai"``)."""

    ok: bool
    summary: str  # one sentence for the user: what was found, or what is wrong and what to do
    detail: str = ""  # the client's own words, when it failed
    models: tuple[str, ...] = ()  # the server's models, as its /v1/models lists them


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
    # "strong", "partial" or "weak" from the cross-encoder score (sourcewise.core.retrieve.
    # strength); "unrated" when the hit was not reranked.
    strength: str = "unrated"
    document_title: str = ""  # from the document's card: its title, else its file name
    kind: str = "text"  # "table" for a Markdown table chunk (rows under their header)
    # How a citation names the document when its source says more than a path: "Smith et al.
    # (2021)" for a paper, "Alice Smith, 2024-03-01, “Budget”" for a message ("" otherwise).
    reference: str = ""
    # What names its document, from its card: the file name's words, the issuer and its ticker
    # ("2023 Q1 INTC intel corporation 10q"). A passage of Intel's statement never says "Intel".
    document_names: str = ""


@dataclass(frozen=True)
class Passage:
    """One indexed chunk and the document it is read from (``engine.library.passages``)."""

    chunk_id: int
    document_id: int
    path: str
    page: int | None  # its first page (1-based); None for a format without pages
    pages: list[int]  # every page its text runs over
    heading: str
    text: str
    start: int  # character span of the chunk in the document's extracted text
    end: int
    document_title: str = ""
    kind: str = "text"  # "table" for a Markdown table chunk


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied inside retrieval (not by discarding results after top-k)."""

    collections: tuple[str, ...] = ()
    folder: str | None = None  # absolute folder; matches documents beneath it
    path_glob: str | None = None  # fnmatch-style, against the absolute path
    file_types: tuple[str, ...] = ()  # extensions without the dot
    modified_since: float | None = None  # unix time
    documents: tuple[str, ...] = ()  # absolute paths: only these documents (a chat's scope)
    # Source metadata (store/source_meta.py): a message's sender (any part of "Name <address>",
    # case-insensitive), the item's date range (a message's, a note's, a paper's; inclusive
    # ISO dates), notes' tags (each required; "project" also matches "project/alpha") and
    # other fields, key=value (e.g. ("collection", "Thesis"): a Zotero collection).
    sender: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    tags: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()


# A search as the answer code and the answer log take it: query, how many (None: the settings'
# number), filters -> hits, best first.
SearchFn = Callable[[str, int | None, SearchFilters | None], list[SearchHit]]


@dataclass(frozen=True)
class ChatTurn:
    role: str  # "user" or "assistant"
    content: str


def cited_as(reference: str, page: int | None) -> str:
    """How a source with a reference is cited: "Smith et al. (2021), p. 4"; a message has no
    pages ("Alice Smith, 2024-03-01, “Budget”")."""
    return f"{reference}, p. {page}" if page else reference


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
    quote: str = ""  # the sentence or row that best answers, for highlighting; "" = all of text
    strength: str = "unrated"  # the cited hit's SearchHit.strength
    reference: str = ""  # the cited hit's SearchHit.reference


@dataclass
class Timings:
    retrieve_ms: float = 0.0
    ttft_ms: float = 0.0  # from the question to the first answer token
    tokens_per_s: float = 0.0
    total_ms: float = 0.0
    evidence_ms: float = 0.0  # choosing the sentences the prompt shows
    judge_ms: float = 0.0  # the answerability check
    prompt_tokens: int = 0
    source_tokens: int = 0  # of which the sources


@dataclass(frozen=True)
class TokenUsage:
    """Tokens the chat model read and wrote for one answer, over all its calls."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    truncated: bool = False  # the answer stopped at its max_tokens

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


# The answer modes a user may force (reading.mode, ``--mode``, ``AskOptions.mode``):
# the one list of them. "auto" lets the router of sourcewise.core.answer.modes choose among all
# registered modes; the others name a built-in mode.
ReadingMode = Literal["auto", "passages", "document"]
READING_MODES: tuple[str, ...] = get_args(ReadingMode)

TokenCallback = Callable[[str], None]  # the answer's text as it streams
SourcesCallback = Callable[[list[Citation]], None]  # the sources, before the answer streams


@dataclass(frozen=True)
class AskOptions:
    """How one question is answered: the one list of ``ask``'s options, which the facade,
    the answer pipeline, its modes and the passage answerer pass on whole.

    ``filters`` scope the search; ``history`` (the earlier turns) makes a follow-up
    standalone: None is none, or within a conversation its answered turns. ``max_tokens``
    shortens this answer below ``llm.max_tokens`` (never beyond it); ``mode`` (one of
    :data:`READING_MODES`) overrides ``reading.mode``. ``on_token`` receives the answer's
    text as it streams, ``on_sources`` the sources it is built on, ``progress`` a
    whole-document answer's sections; ``cancel`` stops it. ``record=False`` keeps the answer
    out of the answer log (``sourcewise eval``'s questions are not users').
    """

    filters: SearchFilters | None = None
    history: Sequence[ChatTurn] | None = None
    max_tokens: int | None = None
    mode: str | None = None
    on_token: TokenCallback | None = None
    on_sources: SourcesCallback | None = None
    progress: ProgressCallback | None = None
    cancel: CancelToken | None = None
    record: bool = True


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    standalone_query: str = ""
    timings: Timings = field(default_factory=Timings)
    nearest: list[SearchHit] = field(default_factory=list)  # shown when abstaining
    usage: TokenUsage = field(default_factory=TokenUsage)
    uncited: bool = False  # an answer none of whose claims cites a supporting source
    reason: str = ""  # why it abstained, or what was repaired, in words
    answerable: float | None = None  # the model's P(the sources state the answer)
    log_id: int | None = None  # its answer-log row: what engine.answers.feedback rates
    mode: str = "passages"  # the answer mode's name: "document" when whole documents were read


@dataclass
class SectionDigest:
    """What the model wrote about one section of a document read whole."""

    title: str
    pages: list[int]
    text: str  # its notes, with [n] markers into DocumentDigest.citations ("" = nothing found)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class DocumentDigest:
    """A document read whole: a summary, or every item answering a question, section by
    section with citations to its pages."""

    path: str
    title: str
    question: str  # "" for a plain summary
    summary: str
    sections: list[SectionDigest] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)  # numbered across the document
    seconds: float = 0.0
    cancelled: bool = False  # stopped early: sections_done of sections_total were read
    sections_done: int = 0
    sections_total: int = 0
    pages_read: int = 0
    cached: int = 0  # sections whose notes came from the cache


@dataclass(frozen=True)
class ConversationTurn:
    """One question asked within a conversation (``engine.conversations.ask``): the answer
    and where it was stored."""

    answer: Answer
    conversation_id: int
    message_id: int


@dataclass(frozen=True)
class ConversationInfo:
    """A stored conversation as the chat list shows it (``engine.conversations.list()``)."""

    id: int
    title: str
    created: float
    updated: float
    messages: int = 0


@dataclass(frozen=True)
class ChatMessage:
    id: int
    conversation_id: int
    role: str  # user, assistant
    content: str
    created: float
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    timings: Timings | None = None
    rating: int | None = None  # +1 / -1 when rated
    comment: str = ""
    log_id: int | None = None  # an answer's answer-log row (Answer.log_id)


@dataclass(frozen=True)
class StoredConversation:
    """A stored conversation and its messages, oldest first (``engine.conversations.get``)."""

    info: ConversationInfo
    messages: list[ChatMessage]


@dataclass(frozen=True)
class LoggedAnswer:
    """One answer of the answer log (``engine.answers.log``), with the rating it was given."""

    id: int  # Answer.log_id
    created: float
    question: str
    answer: str
    abstained: bool
    top_score: float | None
    ttft_ms: float
    total_ms: float
    model: str
    adapter: str | None
    rating: int | None
    comment: str


@dataclass(frozen=True)
class ModelsInUse:
    """The models an engine runs (``engine.models.in_use()``), as an eval report records, and
    those of them the manifest has that are not installed (the app offers to install them)."""

    chat_model: str  # "" when no chat model is configured
    embed_model: str
    reranker: bool  # whether a re-ranker runs
    missing: list[ModelInfo] = field(default_factory=list)


@dataclass(frozen=True)
class ModelInfo:
    """A model of the manifest, as the app's model chooser and installer show it."""

    name: str
    display_name: str
    role: str  # chat, embed, rerank
    size_bytes: int
    installed: bool
    path: Path  # where it is installed, else where installing it puts it


@dataclass(frozen=True)
class FoundModel:
    """A GGUF file found on this machine (LM Studio, Ollama, Hugging Face cache, ...)."""

    path: Path
    source: str  # "lm-studio", "ollama", "huggingface", ...
    name: str
    model_name: str | None  # general.name from its header
    quantization: str | None
