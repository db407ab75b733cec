"""Re-embedding every stored chunk after the embedding model changed (nothing is re-parsed).

The new vectors are written beside the live ones, which search keeps reading with the previous
model, and swapped in at once when every chunk has one (store/catalog.py). Each step commits its
vectors with the chunk id done up to, so an interrupted or cancelled run resumes there; a run
for another model (the setting changed again) starts over.
"""

from __future__ import annotations

import numpy as np

from sourcewise.core.embed.base import Embedder, embed_by_length
from sourcewise.core.ingest.chunking import embedding_text
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback, RateMeter
from sourcewise.core.store.protocol import Store
from sourcewise.core.store.rows import ChunkRecord

STEP = 256  # chunks per transaction: small enough that a cancel or crash loses little


def prepare(index: Store, embedder: Embedder) -> None:
    """Before an indexing run writes anything: size the side store for ``embedder`` (so the
    run's new content joins it), or drop one left by a change of model undone since."""
    index.check_model(embedder)  # a team library's model may have changed since it was opened
    if index.reembed_needed:
        index.begin_reembed(embedder.name, embedder.dim)
    else:
        index.abandon_reembed()


def reembed_all(
    index: Store,
    embedder: Embedder,
    batch_size: int,
    progress: ProgressCallback,
    cancel: CancelToken,
    step: int | None = None,
) -> int:
    """Embed every chunk lacking a vector of ``embedder``, then switch the index to it;
    returns the chunks embedded by this call (Cancelled between batches keeps those done)."""
    step = step or STEP
    last = index.begin_reembed(embedder.name, embedder.dim)
    state = index.catalog.reembed_progress()
    done_before = state.done if state else 0
    meter = RateMeter()
    done = 0
    while True:
        while rows := index.catalog.chunks_to_reembed(last, step):
            texts = [
                embedding_text(ChunkRecord(t, h, None, None, None, 0, 0, 0)) for _, t, h, _ in rows
            ]
            vecs = embed_by_length(embedder, texts, [r[3] for r in rows], batch_size, cancel.check)
            last = rows[-1][0]
            index.add_reembedded(np.asarray([r[0] for r in rows], dtype=np.int64), vecs, last)
            done += len(rows)
            _report(progress, embedder.name, done_before + done, index.catalog.chunk_count(),
                    meter.rate(done))  # fmt: skip
        if index.finish_reembed():
            return done
        # Another indexer of a team library committed chunks below the point done up to.
        last = 0


def _report(progress: ProgressCallback, model: str, done: int, total: int, rate: float) -> None:
    eta = (total - done) / rate if rate > 0 else None
    progress(Progress(stage="re-embedding", done=done, total=total, chunks=done, rate=rate,
                      eta_s=eta, message=f"re-embedding {done}/{total} chunks with {model}"))  # fmt: skip
