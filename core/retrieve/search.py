"""Hybrid search: dense + BM25 candidates, fused (convex or RRF), then a cross-encoder rerank."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sourcewise.core.embed.base import Embedder
from sourcewise.core.retrieve import concepts, documents, fusion
from sourcewise.core.retrieve import filters as flt
from sourcewise.core.retrieve.hits import collapse, load_hits
from sourcewise.core.retrieve.instructions import content_query
from sourcewise.core.retrieve.keyword import KeywordSearch, query_terms
from sourcewise.core.retrieve.rerank import Reranker
from sourcewise.core.retrieve.strength import strength
from sourcewise.core.settings import Settings
from sourcewise.core.store.protocol import Store
from sourcewise.core.text.language import latin_script
from sourcewise.core.types import SearchFilters, SearchHit

CONFIDENT_DEPTH = 3
# Fused candidates loaded per hit wanted, so that collapsing chunks of one page still fills k.
_SPARES = 3
# Candidates taken from each list inside the documents the query names.
_FOCUS_CANDIDATES = 50


def confident(dense: dict[int, float], keyword: dict[int, float]) -> bool:
    """Dense and keyword search agree on the best chunk: reranking rarely changes the top then,
    so only the first few candidates are scored."""
    if not dense or not keyword:
        return False
    return max(dense, key=dense.__getitem__) == max(keyword, key=keyword.__getitem__)


class Searcher:
    """``embedder`` reads the index's live vectors; None searches by keywords alone (while a
    change of embedding model re-embeds and the previous model cannot be loaded)."""

    def __init__(
        self,
        settings: Settings,
        index: Store,
        embedder: Embedder | None,
        reranker: Reranker | None,
    ) -> None:
        self.cfg = settings.retrieval
        self._abstain_below = settings.answer.abstain_below
        self.index = index
        self.embedder = embedder
        self.reranker = reranker
        self._keyword: KeywordSearch | None = None

    @property
    def parts(self) -> tuple[Store, Embedder | None, Reranker | None]:
        return (self.index, self.embedder, self.reranker)

    def search(self, query: str, k: int, filters: SearchFilters) -> list[SearchHit]:
        if not query.strip():
            return []
        # Searched without the instructions around the question ("round to two decimals").
        query = content_query(query).text
        qvec = self._embed(query)  # outside the lock: the slow part
        hits, agree = self.first_stage(query, qvec, k, filters)
        # The English cross-encoder only where it can read the query (core/text/language.py).
        if self.reranker is not None and hits and latin_script(query):
            depth = self.cfg.rerank_candidates
            if self.cfg.rerank_skip_confident and agree:
                depth = CONFIDENT_DEPTH  # still scored: abstention needs the top score
            hits = self._rerank(query, hits[:depth]) + hits[depth:]
        return [
            replace(h, rank=i + 1, strength=strength(h.scores.get("rerank"), self._abstain_below))
            for i, h in enumerate(hits[:k])
        ]

    def first_stage(
        self, query: str, qvec: np.ndarray | None, k: int, filters: SearchFilters
    ) -> tuple[list[SearchHit], bool]:
        """Dense and keyword candidates (plus those of the documents the query names), fused,
        raised by their document's card score, loaded as hits, one per page (enough for the
        rerank), and whether both searches put the same chunk first."""
        with self.index.lock:
            allowed = self._allowed_chunks(filters)
            if allowed is not None and not len(allowed):
                return [], False
            n = max(self.cfg.candidates, k)
            docs = self._card_scores(query)
            if docs and documents.asks_latest(query):
                periods = self.index.cards.card_periods(documents.near_best(docs))
                docs = documents.newest(docs, periods)
            named = documents.focus(docs)
            cards = self.index.cards.card_names(named)
            naming = documents.names_documents(query, cards)
            # Passages are searched without the words that only name their document.
            text = documents.passage_query(query, cards) if naming else query
            vec = qvec if text == query else self._embed(text)
            dense = self.dense(vec, n, allowed)
            # Keywords also match the line items an analyst's concept is computed from.
            text = concepts.expand(text)
            keyword = self.keyword(text, n, allowed)
            agree = confident(dense, keyword)
            complete = len(keyword) < n  # every match returned: the rest have BM25 0
            if naming:
                self._add_named(named, text, vec, allowed, dense, keyword)
            fused = self._fuse(dense, keyword, complete)
            weight = self.cfg.document_weight * (1.0 if naming else documents.UNNAMED_SHARE)
            if docs and weight > 0:
                owners = self.index.cards.chunk_documents([cid for cid, _ in fused])
                fused = documents.boost(fused, owners, docs, weight)
            want = max(k, self.cfg.rerank_candidates)
            lists = {"dense": dense, "keyword": keyword}
            # Several chunks may collapse into one hit per page: load a few spares.
            pool = load_hits(self.index, fused[: want * _SPARES], lists, filters, docs,
                             query_terms(text))  # fmt: skip
            hits = collapse(pool)[:want]
        return hits, agree

    def _card_scores(self, query: str) -> dict[int, float]:
        if self.cfg.document_weight <= 0:
            return {}
        return documents.card_scores(self.index, query)

    def _add_named(
        self,
        named: list[int],
        text: str,
        vec: np.ndarray | None,
        allowed: np.ndarray | None,
        dense: dict[int, float],
        keyword: dict[int, float],
    ) -> None:
        """The named documents' own best passages join the candidate lists (in place), so
        they compete even when hundreds of look-alikes fill the global top ``n``."""
        inside = self.index.cards.chunks_of_documents(named)
        if allowed is not None:
            inside = np.intersect1d(inside, allowed)
        if not len(inside):
            return
        n = min(len(inside), _FOCUS_CANDIDATES)
        for cid, score in self.dense(vec, n, inside).items():
            dense.setdefault(cid, score)
        for cid, score in self.keyword(text, n, inside).items():
            keyword.setdefault(cid, score)

    # -- candidates -----------------------------------------------------------------------------
    def _embed(self, text: str) -> np.ndarray | None:
        return None if self.embedder is None else self.embedder.embed_query(text)

    def dense(
        self, query: str | np.ndarray | None, n: int, allowed: np.ndarray | None
    ) -> dict[int, float]:
        vec = self._embed(query) if isinstance(query, str) else query
        if vec is None:
            return {}
        ids, scores = self.index.vectors.search(vec, n, allowed)
        return {int(i): float(s) for i, s in zip(ids, scores, strict=True)}

    def keyword(self, query: str, n: int, allowed: np.ndarray | None) -> dict[int, float]:
        if self._keyword is None:
            self._keyword = KeywordSearch(self.index.keywords, self.cfg.keyword_postings_budget)
        return self._keyword.search(query, n, allowed)

    def _allowed_chunks(self, filters: SearchFilters) -> np.ndarray | None:
        if not flt.active(filters):
            return None
        rows = self.index.cards.chunks_matching(filters)
        ids = {cid for path, cid in rows if flt.glob_matches(filters, path)}
        return np.fromiter(sorted(ids), dtype=np.int64, count=len(ids))

    # -- fusion and rerank ----------------------------------------------------------------------
    def _fuse(
        self, dense: dict[int, float], keyword: dict[int, float], keyword_complete: bool
    ) -> list[tuple[int, float]]:
        weights = (self.cfg.dense_weight, self.cfg.keyword_weight)
        return fusion.fuse(
            self.cfg.fusion, dense, keyword, weights, self.cfg.rrf_k, keyword_complete
        )

    @staticmethod
    def rerank_text(hit: SearchHit) -> str:
        """What the cross-encoder reads of a hit."""
        return hit.text

    def _rerank(self, query: str, hits: list[SearchHit]) -> list[SearchHit]:
        assert self.reranker is not None
        scores = self.reranker.score(query, [self.rerank_text(h) for h in hits])
        # Blend the cross-encoder's z-score with the fused one rather than reorder by it alone:
        # on SciFact's train split, 0.750 (cross-encoder order) against 0.766 at 5 candidates
        # (bench/retrieval.py). The hit's score stays the cross-encoder's, which is
        # what abstention is calibrated on.
        final = fusion.blend(scores, [h.scores["fused"] for h in hits], self.cfg.rerank_weight)
        rescored = [
            replace(hits[i], score=float(scores[i]),
                    scores={**hits[i].scores, "rerank": float(scores[i]), "final": float(final[i])})
            for i in range(len(hits))
        ]  # fmt: skip
        return sorted(rescored, key=lambda h: h.scores["final"], reverse=True)
