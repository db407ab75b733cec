"""Retrieve, decide whether to abstain, stream a cited answer, check its citations."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from sourcewise.core.answer import citations as cit
from sourcewise.core.answer import prompts
from sourcewise.core.answer.context import Source, assemble, render
from sourcewise.core.answer.rewrite import standalone_query
from sourcewise.core.llm.base import ChatModel, Message
from sourcewise.core.progress import CancelToken
from sourcewise.core.retrieve.rerank import Reranker
from sourcewise.core.settings import Settings
from sourcewise.core.types import Answer, ChatTurn, Citation, SearchFilters, SearchHit, Timings

SearchFn = Callable[[str, int | None, SearchFilters | None], list[SearchHit]]
TokenCallback = Callable[[str], None]


class Answerer:
    def __init__(
        self,
        settings: Settings,
        model: ChatModel,
        search: SearchFn,
        reranker: Reranker | None = None,
    ) -> None:
        self.settings = settings
        self.model = model
        self.search = search
        self.reranker = reranker

    def ask(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        history: Sequence[ChatTurn] = (),
        on_token: TokenCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Answer:
        cfg = self.settings.answer
        t0 = time.perf_counter()
        query = standalone_query(question, history, self.model)
        hits = self.search(query, cfg.max_sources, filters)
        timings = Timings(retrieve_ms=(time.perf_counter() - t0) * 1000)
        if self._should_abstain(hits):
            text = prompts.ABSTAIN
            if on_token is not None:
                on_token(text)
            return Answer(question, text, abstained=True, standalone_query=query,
                          timings=timings, nearest=hits[:3])  # fmt: skip
        budget = self.model.context_size - self.settings.llm.max_tokens - 256
        sources = assemble(hits, budget, self.model.count_tokens)
        raw = self._generate(query, sources, timings, on_token, cancel)
        answer = cit.clean_markers(raw, {s.n for s in sources})
        timings.total_ms = (time.perf_counter() - t0) * 1000
        return Answer(question, answer, citations=self._citations(answer, sources),
                      standalone_query=query, timings=timings)  # fmt: skip

    def _should_abstain(self, hits: list[SearchHit]) -> bool:
        if not hits:
            return True
        # Only the cross-encoder's score is calibrated across queries; fused ranks are not.
        # The best of them counts: the final order also weighs the fused rank.
        scored = [h.scores["rerank"] for h in hits if "rerank" in h.scores]
        return bool(scored) and max(scored) < self.settings.answer.abstain_below

    def _generate(
        self,
        question: str,
        sources: list[Source],
        timings: Timings,
        on_token: TokenCallback | None,
        cancel: CancelToken | None,
    ) -> str:
        messages: list[Message] = [
            {"role": "system", "content": prompts.SYSTEM},
            {
                "role": "user",
                "content": prompts.USER.format(sources=render(sources), question=question),
            },
        ]
        start = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        for piece in self.model.stream_chat(messages, max_tokens=self.settings.llm.max_tokens,
                                            temperature=self.settings.llm.temperature, cancel=cancel):  # fmt: skip
            if first is None:
                first = time.perf_counter()
                timings.ttft_ms = (first - start) * 1000
            pieces.append(piece)
            if on_token is not None:
                on_token(piece)
            if cancel is not None:
                cancel.check()
        if cancel is not None:
            cancel.check()  # the model may stop quietly when cancelled between pieces
        if first is not None and len(pieces) > 1:
            elapsed = time.perf_counter() - first
            timings.tokens_per_s = (len(pieces) - 1) / elapsed if elapsed > 0 else 0.0
        return "".join(pieces)

    def _citations(self, answer: str, sources: list[Source]) -> list[Citation]:
        by_n = {s.n: s for s in sources}
        support = self._support(answer, by_n)
        out = []
        for n in cit.cited_numbers(answer):
            s = by_n[n]
            out.append(Citation(n=n, path=s.hit.path, page=s.hit.page, chunk_id=s.hit.chunk_id,
                                text=s.text, supported=support.get(n), score=s.hit.score,
                                start=s.start, end=s.end, heading=s.hit.heading))  # fmt: skip
        return out

    def _support(self, answer: str, by_n: dict[int, Source]) -> dict[int, bool]:
        """Each cited sentence checked against its passage with the cross-encoder; a source is
        supported when every sentence citing it scores above the threshold."""
        if self.reranker is None:
            return {}
        verdict: dict[int, bool] = {}
        for sent in cit.cited_sentences(answer):
            for n in sent.sources:
                if n not in by_n:
                    continue
                score = float(self.reranker.score(sent.sentence, [by_n[n].text])[0])
                ok = score >= self.settings.answer.support_threshold
                verdict[n] = verdict.get(n, True) and ok
        return verdict
