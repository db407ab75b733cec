"""Re-embedding every stored chunk after the embedding model changed (nothing is re-parsed)."""

from __future__ import annotations

import numpy as np

from sourcewise.core.embed.base import Embedder, embed_by_length
from sourcewise.core.ingest.chunking import embedding_text
from sourcewise.core.ingest.document import ChunkRecord
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback, RateMeter
from sourcewise.core.store.protocol import Store

_STEP = 256  # chunks per transaction: small enough that a cancel or crash loses little


def reembed_all(
    index: Store,
    embedder: Embedder,
    batch_size: int,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> int:
    """Embed all chunks with ``embedder`` and switch the index to it; returns chunks done.

    An interrupted run leaves the index marked as re-embedding, so the next run starts over.
    """
    total = index.catalog.chunk_count()
    meter = RateMeter()
    done, last = 0, 0
    while True:
        rows = index.catalog.chunks_after(last, _STEP)
        if not rows:
            break
        texts = [
            embedding_text(ChunkRecord(t, h, None, None, None, 0, 0, 0)) for _, t, h, _ in rows
        ]
        tokens = [r[3] for r in rows]
        vecs = embed_by_length(embedder, texts, tokens, batch_size, cancel.check)
        ids = np.asarray([r[0] for r in rows], dtype=np.int64)
        index.replace_vectors(ids, vecs)
        done += len(rows)
        last = rows[-1][0]
        progress(Progress(stage="re-embedding", done=done, total=total, chunks=done,
                          rate=meter.rate(done), eta_s=meter.eta(done, total),
                          message=f"re-embedding {done}/{total} chunks with {embedder.name}"))  # fmt: skip
    index.finish_reembed()
    return done
