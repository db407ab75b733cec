"""What an indexing job offers the sources that read their own items (ingest/sources): email
archives hand it messages and attachments, which are chunked, embedded in the job's batches and
committed like files; a Zotero library gives indexed PDFs their item's metadata.

A mixin of ``IndexJob`` (pipeline.py), kept apart so the job's file pipeline stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sourcewise.core.ingest.chunking import SEPARATOR, Chunker
from sourcewise.core.ingest.document import ParsedDocument
from sourcewise.core.ingest.page_marks import with_page_marks
from sourcewise.core.ingest.scan import Candidate
from sourcewise.core.ingest.sources.mailbox_index import MailIndexer
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback
from sourcewise.core.settings import Settings
from sourcewise.core.store.protocol import Store
from sourcewise.core.store.rows import ChunkRecord
from sourcewise.core.types import IndexReport


@dataclass
class Parsed:
    cand: Candidate
    sha: str
    doc: ParsedDocument
    chunks: list[ChunkRecord]


def chunk_count(batch: list[Parsed]) -> int:
    return sum(len(p.chunks) for p in batch)


class SourceHooks:
    """The job's side of ingest/sources; ``IndexJob`` sets these attributes."""

    settings: Settings
    index: Store
    chunker: Chunker
    report: IndexReport
    _cid: int
    _cancel: CancelToken
    _progress: ProgressCallback
    _mail: list[Candidate]
    _source_batch: list[Parsed]

    def index_mail(self) -> None:
        """The .eml files and mbox archives the scan set aside, message by message."""
        self._source_batch = []
        mail = MailIndexer(self)
        for cand in self._mail:
            if cand.path.suffix.lower() == ".eml":
                mail.index_eml(cand)
            else:
                mail.index_mbox(cand)

    def queue_document(self, cand: Candidate, sha: str, doc: ParsedDocument) -> None:
        _, chunks = self.chunker.chunk(doc)
        self._source_batch.append(Parsed(cand, sha, doc, with_page_marks(doc, chunks, SEPARATOR)))

    def pending_chunks(self) -> int:
        return chunk_count(self._source_batch)

    def flush_documents(self) -> None:
        batch, self._source_batch = self._source_batch, []
        if batch:
            self._embed_and_commit(batch)

    @property
    def collection_id(self) -> int:
        return self._cid

    @property
    def cancel(self) -> CancelToken:
        return self._cancel

    def progress(self, progress: Progress) -> None:
        self._progress(progress)

    def batch_target(self) -> int:
        return self._batch_target()

    def fail(
        self, path: Path, stat: tuple[int, float], file_type: str, status: str, message: str
    ) -> None:
        """Record ``path`` as failed, with why."""
        self._fail(path, stat, file_type, status, message)

    # Implemented by IndexJob.
    def _embed_and_commit(self, batch: list[Parsed]) -> None:
        raise NotImplementedError

    def _batch_target(self) -> int:
        raise NotImplementedError

    def _fail(
        self, path: Path, stat: tuple[int, float], file_type: str, status: str, message: str
    ) -> None:
        raise NotImplementedError
