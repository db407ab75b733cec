"""The groups of settings (embedding, chat model, index, store, retrieval, answers, reading,
the desktop app),
each field with its type, default, description and what a running engine rebuilds to apply it.

:class:`sourcewise.core.settings.Settings` holds one of each; import them from there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from sourcewise.core.types import ReadingMode

Device = Literal["auto", "cpu", "cuda"]

# What a running engine rebuilds to apply a changed setting (as qutebrowser's configdata.yml
# marks ``restart: true``); a field without the mark is read on every call and applies at once.
Component = Literal["models", "embedder", "chat_model", "reranker", "index", "searcher"]
REBUILD_KEY = "rebuild"


def _rebuilds(component: Component) -> dict[str, Any]:
    return {REBUILD_KEY: component}


class _Group(BaseModel):
    # A misspelt key in config.toml or --set must be an error, not silently ignored.
    model_config = ConfigDict(extra="forbid")


class EmbedSettings(_Group):
    model: str = Field(
        "bge-small-en",
        description="Embedding model name from the manifest ('hash' is the built-in test fake): bge-small-en reads English; embeddinggemma-300m (`sourcewise models install multilingual`) reads 100+ languages, slower. A change re-embeds the library on the next `index` (resumable); search reads the previous model's vectors until the new ones are complete.",
        json_schema_extra=_rebuilds("embedder"),
    )
    device: Device = Field(
        "auto",
        description="Where to run the embedder: cpu, cuda, or auto (cuda when available).",
        json_schema_extra=_rebuilds("embedder"),
    )
    batch_size: int = Field(
        8,
        ge=1,
        le=1024,
        description="Chunks per embedding batch for the sentence-transformers backend (small on CPU keeps cancel under a second; texts are length-sorted so padding stays low). The INT8 ONNX embedders run one text at a time: their activation scales are per run (core/embed/onnx.py).",
        json_schema_extra=_rebuilds("embedder"),
    )
    threads: int = Field(
        0,
        ge=0,
        description="CPU threads for embedding; 0 means all cores.",
        json_schema_extra=_rebuilds("embedder"),
    )


class LLMSettings(_Group):
    backend: Literal["llama", "openai"] = Field(
        "llama",
        description="Where the chat model runs: 'llama' (built in, in-process llama.cpp) or 'openai' (a model server you already run: llama.cpp's llama-server, Ollama, LM Studio, vLLM; see llm.base_url).",
        json_schema_extra=_rebuilds("chat_model"),
    )
    base_url: str = Field(
        "http://127.0.0.1:8080/v1",
        pattern=r"^https?://[^/\s]+",
        description="The model server's OpenAI-compatible address (llm.backend = 'openai'), on this machine or the local network, with or without /v1: the one connection Sourcewise makes, and only with that backend.",
        json_schema_extra=_rebuilds("chat_model"),
    )
    api_model: str = Field(
        "",
        description="The model's name on the server, as its /v1/models lists it (Ollama: 'llama3.2'); empty: the server's first model.",
        json_schema_extra=_rebuilds("chat_model"),
    )
    api_key: SecretStr | None = Field(
        None,
        description="Sent to the model server as a bearer token (most local servers need none); also read from SOURCEWISE_LLM__API_KEY; shown masked, never logged.",
        json_schema_extra=_rebuilds("chat_model"),
    )
    api_key_env: str = Field(
        "",
        pattern=r"^([A-Za-z_][A-Za-z0-9_]*)?$",
        description="The name of an environment variable holding the model server's key (e.g. LMSTUDIO_API_KEY), read when the chat model starts: only the name is saved, never the key. llm.api_key, when set, wins.",
        json_schema_extra=_rebuilds("chat_model"),
    )
    model: str = Field(
        "qwen2.5-coder-1.5b",
        description="Chat model name from the manifest, or 'echo' (the built-in test fake).",
        json_schema_extra=_rebuilds("chat_model"),
    )
    path: Path | None = Field(
        None,
        description="A GGUF file to use instead of a manifest model.",
        json_schema_extra=_rebuilds("chat_model"),
    )
    adapter: str | None = Field(
        None,
        description="LoRA adapter name (under models/adapters) or .gguf path; unset: the adapter the chat model's manifest entry bundles, if any; 'none': the plain model.",
        json_schema_extra=_rebuilds("chat_model"),
    )
    context_size: int = Field(
        4096,
        ge=512,
        description="Context window in tokens (llm.backend = 'openai': the smaller of this and the window the server reports, when it does).",
        json_schema_extra=_rebuilds("chat_model"),
    )
    max_tokens: int = Field(512, ge=16, description="Most tokens an answer may have.")
    temperature: float = Field(0.1, ge=0.0, le=2.0, description="Sampling temperature.")
    threads: int = Field(
        1,
        ge=0,
        description="Threads for generation (n_threads); 0 means all cores. 1 by measurement (bench/threads.py, 2 cores): 25 tok/s quiet or with the other core busy, where 2 threads give 38 quiet but 12 busy.",
        json_schema_extra=_rebuilds("chat_model"),
    )
    threads_batch: int = Field(
        0,
        ge=0,
        description="Threads for prompt processing (n_threads_batch); 0 means all cores.",
        json_schema_extra=_rebuilds("chat_model"),
    )
    gpu_layers: int = Field(
        -1,
        description="Layers offloaded to the GPU: -1 all when a GPU build is present, 0 none.",
        json_schema_extra=_rebuilds("chat_model"),
    )
    flash_attn: bool = Field(
        True,
        description="Use flash attention (faster prompt processing).",
        json_schema_extra=_rebuilds("chat_model"),
    )
    device: Device = Field(
        "auto",
        description="cpu forces CPU even with a GPU build.",
        json_schema_extra=_rebuilds("chat_model"),
    )

    def resolved_api_key(self) -> str | None:
        """The key sent to the model server: ``api_key``, else the variable ``api_key_env``
        names (looked up now, so a key set after the settings were loaded is found)."""
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        if not self.api_key_env:
            return None
        return os.environ.get(self.api_key_env) or None


class IndexSettings(_Group):
    chunk_tokens: int = Field(
        256, ge=32, le=2048, description="Target chunk size in embedder tokens."
    )
    chunk_overlap: int = Field(32, ge=0, le=512, description="Tokens shared by consecutive chunks.")
    table_chunk_tokens: int = Field(
        512,
        ge=32,
        le=2048,
        description="Target size of a table's pieces (at least chunk_tokens): a statement's rows stay together, and 512 is what the embedder reads whole. sec10q tune split: every named report in the top 10 0.93 -> 0.95, 12% fewer chunks than at 256 (bench/real_reports.py).",
    )
    min_chunk_tokens: int = Field(
        24, ge=0, description="Fragments smaller than this merge with a neighbour."
    )
    max_file_mb: int = Field(
        512, ge=1, description="Files larger than this are skipped as too large."
    )
    ocr: bool = Field(True, description="OCR scanned PDF pages that have no text layer.")
    parse_workers: int = Field(
        0, ge=0, description="Parallel parsers; 0 picks from the core count."
    )
    parse_mode: Literal["process", "thread"] = Field(
        "process",
        description="Parse in worker processes (isolated, parallel) or threads (light, for small jobs).",
    )
    exact_search_limit: int = Field(
        100_000,
        ge=1000,
        description="Up to this many vectors search exactly; above, an IVF index (retrained as it grows).",
        json_schema_extra=_rebuilds("index"),
    )


# A password inside a libpq URL (user:secret@host, or ?password=secret): kept out of settings.
_URL_PASSWORD = re.compile(r"//[^/@:]*:[^/@]+@|(?:^|[?&\s])password\s*=", re.IGNORECASE)


class StoreSettings(_Group):
    backend: Literal["sqlite", "postgres"] = Field(
        "sqlite",
        description="Where the library lives: 'sqlite' (this machine's data directory) or 'postgres' (a team library on a PostgreSQL server with pgvector; see store.url).",
        json_schema_extra=_rebuilds("index"),
    )
    url: str = Field(
        "",
        description="The team library's libpq URL (store.backend = 'postgres'), e.g. postgresql://alice@db.lan/library; without the password, which comes from PGPASSWORD, a passfile (~/.pgpass, PGPASSFILE) or SOURCEWISE_STORE__PASSWORD.",
        json_schema_extra=_rebuilds("index"),
    )
    # exclude=True: never in a settings dump, so never saved to settings.toml nor shown.
    password: SecretStr | None = Field(
        None,
        exclude=True,
        description="The team library's password, from SOURCEWISE_STORE__PASSWORD only: never saved, shown masked, never logged.",
        json_schema_extra=_rebuilds("index"),
    )

    roots: dict[str, str] = Field(
        default_factory=dict,
        description="Named roots of a team library (store.backend = 'postgres'): name -> where this machine mounts the share, e.g. --set store.roots.team=/mnt/team here and /Volumes/team on a Mac. Paths beneath are stored as @team/..., so every machine indexes and finds the same documents.",
        json_schema_extra=_rebuilds("index"),
    )

    @field_validator("url")
    @classmethod
    def _no_password_in_url(cls, url: str) -> str:
        if _URL_PASSWORD.search(url):
            raise ValueError(
                "store.url must not hold the password (settings are saved in plain text): "
                "use PGPASSWORD, a passfile (~/.pgpass) or SOURCEWISE_STORE__PASSWORD"
            )
        return url


class RetrievalSettings(_Group):
    k: int = Field(8, ge=1, le=200, description="Results returned by a search.")
    candidates: int = Field(
        200,
        ge=1,
        le=1000,
        description="Candidates taken from each of dense and keyword search (a longer list steadies the z-scores that convex fusion uses; under 1 ms extra).",
        json_schema_extra=_rebuilds("searcher"),
    )
    fusion: Literal["convex", "rrf"] = Field(
        "convex",
        description="How dense and keyword results combine: 'convex' (weighted sum of per-query z-scores; best on SciFact) or 'rrf' (reciprocal-rank fusion).",
        json_schema_extra=_rebuilds("searcher"),
    )
    rrf_k: int = Field(
        60,
        ge=1,
        description="Reciprocal-rank fusion constant (fusion = 'rrf').",
        json_schema_extra=_rebuilds("searcher"),
    )
    dense_weight: float = Field(
        1.0,
        ge=0.0,
        description="Weight of dense results in fusion.",
        json_schema_extra=_rebuilds("searcher"),
    )
    keyword_weight: float = Field(
        1.0,
        ge=0.0,
        description="Weight of keyword (BM25) results in fusion.",
        json_schema_extra=_rebuilds("searcher"),
    )
    keyword_postings_budget: int = Field(
        5_000,
        ge=100,
        description="Most FTS rows a keyword query may touch; the commonest terms are dropped beyond it (rare terms carry BM25).",
        json_schema_extra=_rebuilds("searcher"),
    )
    document_weight: float = Field(
        4.0,
        ge=0.0,
        description="Weight of the document's card (file name, title, cover, periods), normalised to the best card, added to each passage's fused score when the query names a document by a word or period of its file name; 0 turns document identity off. 4: look-alike dev library page hit@5 0.93 (1: 0.79; bench/lookalike.py).",
        json_schema_extra=_rebuilds("searcher"),
    )
    rerank: bool = Field(
        True,
        description="Re-rank fused candidates with the cross-encoder.",
        json_schema_extra=_rebuilds("reranker"),
    )
    rerank_skip_confident: bool = Field(
        True,
        description="When dense and keyword search agree on the best passage, rerank only the top 3.",
        json_schema_extra=_rebuilds("searcher"),
    )
    rerank_model: str = Field(
        "ms-marco-minilm-l12",
        description="Cross-encoder name from the manifest.",
        json_schema_extra=_rebuilds("reranker"),
    )
    rerank_candidates: int = Field(
        5,
        ge=1,
        le=200,
        description="How many fused candidates the cross-encoder scores (5: same SciFact quality as 10 at half the latency, about 0.3 s on 2 cores; bench/retrieval.py).",
        json_schema_extra=_rebuilds("searcher"),
    )
    rerank_weight: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        description="Share of the cross-encoder in the final order: w * z(rerank) + (1 - w) * z(fused); 1 = cross-encoder order alone.",
        json_schema_extra=_rebuilds("searcher"),
    )
    rerank_max_tokens: int = Field(
        256,
        ge=32,
        le=512,
        description="Passage truncation for reranking, in tokens.",
        json_schema_extra=_rebuilds("reranker"),
    )


class AnswerSettings(_Group):
    max_sources: int = Field(8, ge=1, le=50, description="Passages retrieved for an answer.")
    abstain_below: float = Field(
        -2.0,
        description="Abstain when the best rerank score is below this (SQuAD train articles, bench/answerability.py: at -2 92% of answerable questions pass and 11% of unanswerable ones are declined; at 0, 89% and 18%; off-topic questions score far lower).",
    )
    support_threshold: float = Field(
        -2.0,
        description="Cross-encoder score at which a cited sentence counts as supported by its passage.",
    )
    evidence: bool = Field(
        True,
        description="Show the model only the best sentences and table rows of the passages (off: whole passages, as before issue 11).",
    )
    source_tokens: int = Field(
        400,
        ge=50,
        le=4000,
        description="Token budget for the evidence the prompt shows: the best sentences and table rows of the retrieved passages (~160 prompt tokens/s on 2 cores; bench/answer_squad.py).",
    )
    evidence_margin: float = Field(
        6.0,
        ge=0.0,
        description="Sentences scoring this far below the best one (cross-encoder logits) are left out of the prompt.",
    )
    verify: bool = Field(
        True,
        description="Ask the chat model whether the evidence states the answer (its P(Yes), one short pass sharing the answer's prompt) and abstain when it does not; only models with a calibrated threshold are asked (the 1.5B model: AUC 0.74 on the SQuAD train articles; the 0.5B model's judgement is at chance).",
    )
    answerable_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Abstain when the model's P(the sources state the answer) is below this; unset = the chat model's calibrated value from the manifest (none: not judged).",
    )


class ReadingSettings(_Group):
    """Whole-document answers: summaries and "list every ..." questions read the document
    section by section instead of taking the top passages (bench/whole_document.py)."""

    mode: ReadingMode = Field(
        "auto",
        description="auto: summaries, 'list every/all', and comparisons of named documents read whole documents, other questions the top passages (bench/routing.py); passages or document force one.",
    )
    section_tokens: int = Field(
        1500,
        ge=200,
        le=20000,
        description="A section's size in tokens (sections follow the document's top-level headings).",
    )
    source_tokens: int = Field(
        300,
        ge=50,
        le=4000,
        description="Of each section, the sentences the model reads, in tokens (chosen without the model).",
    )
    section_max_tokens: int = Field(
        120, ge=16, le=1024, description="The longest note the model writes per section."
    )
    scan_tokens: int = Field(
        600,
        ge=50,
        le=4000,
        description="For a list question ('every deadline'), the sentences of each section the model scans, in tokens: the best by the cross-encoder (categories like 'action items' score low, so no section is skipped on its scores).",
    )
    max_documents: int = Field(
        4,
        ge=1,
        le=50,
        description="The most documents one question reads whole (a folder scope with more answers from passages).",
    )


class DesktopSettings(_Group):
    """How the desktop app behaves; the engine never reads these."""

    send_key: Literal["enter", "ctrl+enter"] = Field(
        "enter",
        description="Which key sends a question in the app: 'enter' (Shift+Enter adds a line, as in chat apps) or 'ctrl+enter' (Enter adds a line).",
    )
