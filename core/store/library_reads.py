"""The store-level calls both library backends answer alike (``store/protocol.py``'s
``Store``): delegation to their ``content`` and ``catalog`` parts, and the shared read SQL
(``passages.py``, ``document_chunks.py``) run over the backend's own connection, under its lock.

``store/index.py`` (SQLite + FAISS) and ``store/postgres/store.py`` inherit it and add what
differs: how they open, their vectors, and re-embedding.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sourcewise.core.store import document_chunks, passages
from sourcewise.core.store.catalog import Catalog
from sourcewise.core.store.rows import OrderedChunk, StoredDocument
from sourcewise.core.store.sql import Queryable
from sourcewise.core.types import DocumentInfo, IndexStatus, Passage, RootFolder


class LibraryReads:
    content: Any  # the backend's ContentStore (store/protocol.py)
    catalog: Catalog
    lock: threading.RLock
    reader: Queryable  # what the shared read SQL runs on

    def remove_paths(self, paths: list[Path], collection: str | None = None) -> int:
        return int(self.content.remove_paths(paths, collection))

    def set_watch(self, collection: str, folder: str, watch: bool) -> None:
        self.content.set_watch(collection, folder, watch)

    def roots(self, watched_only: bool = False) -> list[RootFolder]:
        return self.catalog.roots(watched_only)

    def is_empty(self) -> bool:
        """No chunk indexed yet (so an answer can say so instead of "not covered")."""
        return self.catalog.is_empty()

    def status(self) -> IndexStatus:
        return self.catalog.status()

    def documents(self, collection: str | None = None) -> list[DocumentInfo]:
        return self.catalog.documents(collection)

    def document_info(self, document_id: int) -> DocumentInfo | None:
        return self.catalog.document_info(document_id)

    # -- passages (store/passages.py) ----------------------------------------------------------
    def passages(self, min_tokens: int = 0) -> list[Passage]:
        with self.lock:
            return passages.all_passages(self.reader, min_tokens)

    def passage(self, chunk_id: int) -> Passage | None:
        with self.lock:
            return passages.passage(self.reader, chunk_id)

    def document_passages(self, document_id: int) -> list[Passage]:
        with self.lock:
            return passages.document_passages(self.reader, document_id)

    # -- whole documents (store/document_chunks.py) --------------------------------------------
    def find_documents(self, paths: list[str]) -> list[StoredDocument]:
        with self.lock:
            return document_chunks.find_documents(self.reader, paths)

    def documents_under(self, folder: str, limit: int) -> list[str]:
        with self.lock:
            return document_chunks.documents_under(self.reader, folder, limit)

    def document_paths(self, doc_ids: list[int]) -> dict[int, str]:
        with self.lock:
            return document_chunks.paths_of(self.reader, doc_ids)

    def chunks_in_order(self, blob_id: int) -> list[OrderedChunk]:
        with self.lock:
            return document_chunks.chunks_in_order(self.reader, blob_id)
