"""What every library store must do when the embedding model changes, as inheritable tests:
the previous model's vectors stay searchable until the new model's are complete, progress
survives an interruption, and the swap happens at once (core/ingest/reembed.py).

Inherit in a ``Test...`` class and override ``open_with``: a fixture returning a function that
opens the test's library (the same one each call) with the embedder it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from sourcewise.core.embed.base import Embedder
from sourcewise.core.errors import Cancelled
from sourcewise.core.ingest import reembed
from sourcewise.core.progress import CancelToken, Progress
from sourcewise.core.store.protocol import Store
from sourcewise.core.store.rows import BlobInfo, ChunkRecord
from sourcewise.core.testing.embedder import HashEmbedder

OpenWith = Callable[[Embedder], Store]

ROOT = Path("/library/notes")
TEXTS = {
    "air.txt": ["The zeppelin hangar holds three airships.", "Mooring masts stand by the field."],
    "food.txt": ["Cook the pasta in salted water.", "Grate the cheese over the sauce."],
    "sea.txt": ["The lighthouse keeper logs every ship.", "Fog horns sound at dusk."],
}


def add_file(store: Store, embedder: Embedder, name: str, texts: list[str]) -> None:
    """Commit a file of one chunk per text, embedded as ingestion embeds it."""
    cid = store.content.collection_id("notes") or 0
    chunks = [ChunkRecord(t, "", 1, 1, None, 0, len(t), len(t.split())) for t in texts]
    blob = BlobInfo(f"sha-{name}", 10, "txt", name, None, 1, sum(map(len, texts)), None)
    vecs = embedder.embed_documents(texts)
    store.content.commit_new_content(cid, ROOT / name, (10, 1.0), blob, chunks, vecs)


def top_text(store: Store, embedder: Embedder, query: str) -> str:
    ids, _ = store.vectors.search(embedder.embed_query(query), 1)
    passage = store.passage(int(ids[0])) if len(ids) else None
    return passage.text if passage else ""


class ReembedContract:
    """``new`` and ``newer`` are the models changed to (dimension, variant): another size
    where the backend allows one. ``drops_abandoned``: side vectors of a change of model undone
    are dropped by the next indexing run (not on a team library, where another machine may be
    making them)."""

    old = HashEmbedder(64)
    new: tuple[int, str] = (32, "")
    newer: tuple[int, str] = (48, "")
    drops_abandoned = True

    def model(self, which: tuple[int, str]) -> HashEmbedder:
        return HashEmbedder(*which)

    @pytest.fixture
    def open_with(self) -> OpenWith:
        raise NotImplementedError("override open_with with a function opening the library")

    @pytest.fixture
    def library(self, open_with: OpenWith) -> Iterator[OpenWith]:
        """The library filled with the old model, closed; each open is closed after the test."""
        opened: list[Store] = []

        def open_(embedder: Embedder) -> Store:
            opened.append(open_with(embedder))
            return opened[-1]

        store = open_(self.old)
        for name, texts in TEXTS.items():
            add_file(store, self.old, name, texts)
        store.close()
        yield open_
        for each in opened:
            each.close()

    def _run(self, store: Store, new: HashEmbedder, steps: int | None = None) -> list[int]:
        """Re-embed in steps of two chunks; with ``steps``, cancel after that many (the
        progress counts seen are returned)."""
        token, seen = CancelToken(), list[int]()

        def progress(p: Progress) -> None:
            seen.append(p.done)
            if steps is not None and len(seen) >= steps:
                token.cancel()

        if steps is None:
            reembed.reembed_all(store, new, 8, progress, token, step=2)
        else:
            with pytest.raises(Cancelled):
                reembed.reembed_all(store, new, 8, progress, token, step=2)
        return seen

    def test_the_old_vectors_are_searched_until_the_new_ones_are_complete(
        self, library: OpenWith
    ) -> None:
        new = self.model(self.new)
        store = library(new)
        assert store.reembed_needed and store.meta("embed_model") == "hash-64"
        assert top_text(store, self.old, "zeppelin airships") == TEXTS["air.txt"][0]
        progress = store.status().reembed
        assert progress is not None
        assert (progress.model, progress.done, progress.total) == (new.name, 0, 6)
        assert progress.live_model == "hash-64"

    def test_an_interrupted_reembed_resumes_where_it_stopped(self, library: OpenWith) -> None:
        first = self.model(self.new)
        seen = self._run(library(first), first, steps=1)
        assert seen == [2] and first.texts_embedded == 2
        store = library(self.model(self.new))  # a restart: a new process, a new embedder
        assert store.status().reembed is not None and store.status().reembed.done == 2  # type: ignore[union-attr]
        # Still the old model's vectors, read with the old model, until the end.
        assert top_text(store, self.old, "pasta salted water") == TEXTS["food.txt"][0]
        again = self.model(self.new)
        seen = self._run(store, again)
        assert again.texts_embedded == 4  # only the chunks not done before
        assert seen == [4, 6]
        assert not store.reembed_needed and store.status().reembed is None
        assert store.meta("embed_model") == again.name and store.status().vectors == 6
        assert top_text(store, again, "lighthouse keeper ship") == TEXTS["sea.txt"][0]
        reopened = library(self.model(self.new))
        assert not reopened.reembed_needed
        assert top_text(reopened, again, "fog horns dusk") == TEXTS["sea.txt"][1]

    def test_a_second_change_of_model_restarts_the_reembed(self, library: OpenWith) -> None:
        halfway = self.model(self.new)
        self._run(library(halfway), halfway, steps=2)
        other = self.model(self.newer)
        store = library(other)
        progress = store.status().reembed
        assert progress is not None and (progress.model, progress.done) == (other.name, 0)
        self._run(store, other)
        assert other.texts_embedded == 6  # the 32-d vectors were of no use to it
        assert store.meta("embed_model") == other.name
        assert store.meta("embed_dim") == str(other.dim)
        assert top_text(store, other, "grate cheese sauce") == TEXTS["food.txt"][1]

    def test_content_added_or_removed_meanwhile_ends_up_right(self, library: OpenWith) -> None:
        new = self.model(self.new)
        store = library(new)
        reembed.prepare(store, new)
        add_file(store, new, "bird.txt", ["The heron waits in the reeds."])
        store.remove_paths([ROOT / "food.txt"])
        assert store.status().reembed.done == 1  # type: ignore[union-attr]  # the new chunk
        self._run(store, new)
        assert new.texts_embedded == 1 + 4  # the new file once, the four kept chunks
        assert store.status().chunks == store.status().vectors == 5
        assert top_text(store, new, "heron reeds") == "The heron waits in the reeds."
        found = {top_text(store, new, t) for t in TEXTS["food.txt"]}
        assert not found & set(TEXTS["food.txt"])

    def test_the_swap_waits_for_every_chunk_and_changes_nothing_before(
        self, library: OpenWith
    ) -> None:
        new = self.model(self.new)
        store = library(new)
        store.begin_reembed(new.name, new.dim)
        rows = store.catalog.chunks_to_reembed(0, 5)  # all but one
        ids = np.asarray([r[0] for r in rows], dtype=np.int64)
        store.add_reembedded(ids, new.embed_documents([r[1] for r in rows]), int(ids[-1]))
        assert not store.finish_reembed()
        assert store.reembed_needed and store.meta("embed_model") == "hash-64"
        assert top_text(store, self.old, "mooring masts field") == TEXTS["air.txt"][1]
        self._run(store, new)
        assert store.meta("embed_model") == new.name

    def test_changing_back_keeps_the_old_vectors(self, library: OpenWith) -> None:
        halfway = self.model(self.new)
        self._run(library(halfway), halfway, steps=1)
        store = library(HashEmbedder(64))
        assert not store.reembed_needed and store.status().reembed is None
        reembed.prepare(store, self.old)
        if self.drops_abandoned:
            assert store.meta("reembed_model") is None
        assert top_text(store, self.old, "zeppelin airships") == TEXTS["air.txt"][0]
        add_file(store, self.old, "bird.txt", ["The heron waits in the reeds."])
        assert top_text(store, self.old, "heron reeds") == "The heron waits in the reeds."
