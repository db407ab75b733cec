"""Indexing email for an indexing job: ``.eml`` files and mbox archives, each message a
document (at ``archive.mbox/<message-id>.eml``) and each attachment a document beneath its
message (``.../<message-id>.eml/report.pdf``) that knows the message it came with.

An archive is read incrementally: what was read is remembered (offset and a digest of the bytes
before it, ``mbox.MboxState``), so a message appended to a large archive is the only thing read
and embedded; a rewritten archive (compacted, messages deleted) is read again, and then content
already stored is linked, never embedded again (messages are stored by their bytes' hash).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.scan import Candidate
from sourcewise.core.ingest.sources import mbox
from sourcewise.core.ingest.sources.mail import MailItem, message_id, read_message
from sourcewise.core.progress import Progress
from sourcewise.core.store.source_meta import Meta

if TYPE_CHECKING:
    from sourcewise.core.ingest.job_sources import SourceHooks as IndexJob

_PROGRESS_EVERY_S = 0.5  # progress at least this often, and every _PROGRESS_EVERY messages
_PROGRESS_EVERY = 50


class MailIndexer:
    """Reads mail for one ``IndexJob``: its documents go through the job's chunking, embedding
    and commits, and its counts into the job's report."""

    def __init__(self, job: IndexJob) -> None:
        self.job = job
        self.content = job.index.content
        self.cid = job.collection_id
        cfg = job.settings.index
        self.ocr, self.max_bytes = cfg.ocr, cfg.max_file_mb << 20
        self._meta_after_commit: dict[Path, Meta] = {}
        self._last = ""  # the path of the last message read

    # -- one .eml file ----------------------------------------------------------------------------
    def index_eml(self, cand: Candidate) -> None:
        row = self.job.index.catalog.document(self.cid, str(cand.path))
        if row and (row["size"], row["mtime"]) == cand.stat and row["status"] == "indexed":
            self.job.report.files_unchanged += 1
            return
        try:
            raw = cand.path.read_bytes()
        except OSError as err:
            self.job.fail(cand.path, cand.stat, "eml", "unreadable", f"cannot read file: {err}")
            return
        produced = self._message(raw, cand.path, cand.mtime)
        self._flush()
        self._remove_stale(cand.path, produced, keep=str(cand.path))

    # -- an mbox archive ----------------------------------------------------------------------
    def index_mbox(self, cand: Candidate) -> None:
        state = self._known_state(cand)
        if state and (state.size, state.mtime) == cand.stat:
            self.job.report.files_unchanged += 1
            return
        self._last = state.last if state else ""
        try:
            start = mbox.resume_offset(cand.path, cand.size, state)
            produced = self._read_archive(cand, start)
        except ParseError as err:
            self.job.fail(cand.path, cand.stat, "mbox", err.kind, str(err))
            return
        except OSError as err:
            self.job.fail(cand.path, cand.stat, "mbox", "unreadable", f"cannot read file: {err}")
            return
        if start == 0:  # read whole: messages no longer in it are gone
            self._remove_stale(cand.path, produced)
        self.content.set_source_state(self.cid, cand.path, self._state(cand, cand.size).encode())

    def _known_state(self, cand: Candidate) -> mbox.MboxState | None:
        """What was read of the archive before; forgotten when its messages are no longer
        indexed (removed from the library, or the archive deleted and restored)."""
        state = mbox.MboxState.decode(self.content.source_state(self.cid, cand.path))
        if state and state.last and not self.job.index.catalog.document(self.cid, state.last):
            return None
        return state

    def _read_archive(self, cand: Candidate, start: int) -> set[str]:
        produced: set[str] = set()
        count, last_report = 0, 0.0
        for message in mbox.messages(cand.path, start, self.job.cancel):
            key = message_id(message.raw) or f"at-{message.start}"
            path = cand.path / f"{key}.eml"
            if str(path) in produced:  # the same Message-ID twice: keep both
                path = cand.path / f"{key}-{message.start}.eml"
            produced |= self._message(message.raw, path, cand.mtime)
            self._last = str(path)
            count += 1
            if self.job.pending_chunks() >= self.job.batch_target():
                self._flush()
                partial = self._state(cand, message.end, done=False)
                self.content.set_source_state(self.cid, cand.path, partial.encode())
            if count % _PROGRESS_EVERY == 0 or time.monotonic() - last_report > _PROGRESS_EVERY_S:
                last_report = time.monotonic()
                self._progress(cand, message.end - start, cand.size - start, count)
        self._flush()
        self._progress(cand, cand.size - start, cand.size - start, count)
        return produced

    def _state(self, cand: Candidate, offset: int, done: bool = True) -> mbox.MboxState:
        tail = mbox.tail_digest(cand.path, offset)
        last = self._last if self.job.index.catalog.document(self.cid, self._last) else ""
        if not done:
            return mbox.MboxState(offset, tail, last=last)
        return mbox.MboxState(offset, tail, cand.size, cand.mtime, last)

    def _progress(self, cand: Candidate, done: int, total: int, count: int) -> None:
        """Bytes read of what there was to read (the new part of a grown archive)."""
        self.job.progress(Progress("reading mail", done=done, total=total,
                                   message=f"{cand.path.name}: {count} messages read"))  # fmt: skip

    # -- one message and its attachments ------------------------------------------------------
    def _message(self, raw: bytes, path: Path, mtime: float) -> set[str]:
        items = read_message(raw, path, ocr=self.ocr, max_bytes=self.max_bytes)
        for item in items:
            self._item(item, mtime)
        return {str(item.path) for item in items}

    def _item(self, item: MailItem, mtime: float) -> None:
        cand = Candidate(item.path, item.size, mtime, explicit=False)
        if item.failure is not None:
            if item.failure[0] != "unsupported":  # pictures and calendar files: not an error
                self.job.fail(item.path, cand.stat, item.file_type, *item.failure)
            return
        assert item.doc is not None
        row = self.job.index.catalog.document(self.cid, str(item.path))
        if row and row["sha256"] == item.sha256 and row["status"] == "indexed":
            if (row["size"], row["mtime"]) != cand.stat:
                self.content.link_existing_content(self.cid, item.path, cand.stat, item.sha256,
                                                   item.file_type)  # fmt: skip
            self.job.report.files_unchanged += 1
        elif self.content.blob_id(item.sha256) is not None:
            self.content.link_existing_content(self.cid, item.path, cand.stat, item.sha256,
                                               item.file_type)  # fmt: skip
            self.job.report.files_deduplicated += 1
            self._set_meta(item.path, item.meta)
        else:
            self.job.queue_document(cand, item.sha256, item.doc)
            if item.meta:
                self._meta_after_commit[item.path] = item.meta

    def _flush(self) -> None:
        """Embed and commit what is queued, then give attachments their message."""
        self.job.flush_documents()
        pending, self._meta_after_commit = self._meta_after_commit, {}
        for path, meta in pending.items():
            self._set_meta(path, meta)

    def _set_meta(self, path: Path, meta: Meta) -> None:
        if meta:
            self.content.set_source_meta(self.cid, path, meta)

    def _remove_stale(self, container: Path, produced: set[str], keep: str = "") -> None:
        """Documents beneath ``container`` that this read did not produce (a deleted message,
        an attachment removed from a message)."""
        rows = self.job.index.catalog.paths_under(self.cid, str(container))
        gone = [int(r["id"]) for p, r in rows.items() if p not in produced and p != keep]
        if gone:
            self.job.report.files_removed += self.content.remove_documents(gone)
