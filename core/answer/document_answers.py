"""Answers that read whole documents: routing a question, finding what to read, answering.

:func:`routing.kind_of` says what a question asks for; the documents to read come from the
chat's scope (one document, or a folder of at most ``reading.max_documents``), else the
documents the question names by file name or period (their cards), else — for "this report" —
the best-matching document. A summary or comparison reads each document's summary notes (a
comparison then answers from both); a list question scans every section for its items.
"""

from __future__ import annotations

import re
import time

from sourcewise.core.answer import citations as cit
from sourcewise.core.answer import prompts
from sourcewise.core.answer.language import nothing_found, question_language
from sourcewise.core.answer.routing import Kind, Route, decide, kind_of, points_at_a_document
from sourcewise.core.answer.whole_document import DocumentReader
from sourcewise.core.errors import Cancelled, SourcewiseError
from sourcewise.core.progress import CancelToken, ProgressCallback
from sourcewise.core.retrieve.documents import FOCUS_SHARE, card_scores, names_documents
from sourcewise.core.store.protocol import Store
from sourcewise.core.text.periods import period_tokens
from sourcewise.core.text.words import WORD as _WORD
from sourcewise.core.types import (
    Answer,
    DocumentDigest,
    SearchFilters,
    SearchFn,
    SectionDigest,
    TokenCallback,
)

_VERSION = re.compile(r"\b(?:version|ver\.?|rev\.?|v)\s*(\d+)\b")


class DocumentAnswerer:
    def __init__(self, reader: DocumentReader, index: Store, search: SearchFn) -> None:
        self.reader = reader
        self.index = index
        self.search = search
        self.max_documents = reader.settings.reading.max_documents

    # -- routing -------------------------------------------------------------------------
    def route(self, question: str, filters: SearchFilters, forced: str) -> tuple[Route, list[str]]:
        kind = kind_of(question)
        if forced == "passages" or (kind == "answer" and forced == "auto"):
            return decide(kind, 0, forced), []
        targets = self.targets(question, filters, kind)
        return decide(kind, len(targets), forced), targets

    def targets(self, question: str, filters: SearchFilters, kind: Kind) -> list[str]:
        if filters.documents:
            return list(filters.documents)[: self.max_documents]
        if filters.folder:
            paths = self.index.documents_under(filters.folder, self.max_documents + 1)
            return paths if len(paths) <= self.max_documents else []
        limit = 2 if kind == "compare" else 1
        named = self.named(question, limit)
        if named or kind == "compare":
            return named
        if points_at_a_document(question):
            hits = self.search(question, 1, filters)
            return [hits[0].path] if hits else []
        return []

    def named(self, question: str, limit: int) -> list[str]:
        """The documents whose cards the question names best (file-name words or periods)."""
        scores = card_scores(self.index, question)
        ranked = sorted(scores, key=lambda d: -scores[d])[: limit * 2]
        cards = {d: self.index.cards.card_names([d])
                 for d in ranked if scores[d] >= FOCUS_SHARE or limit > 1}  # fmt: skip
        named = [d for d, card in cards.items() if names_documents(question, card)][:limit]
        if limit > 1 and not _tells_apart(question, [cards[d] for d in named]):
            return []  # "the review" of two look-alike reviews names neither in particular
        paths = self.index.document_paths(named)
        return [paths[d] for d in named if d in paths]

    # -- answering -----------------------------------------------------------------------
    def answer(
        self,
        question: str,
        route: Route,
        targets: list[str],
        *,
        on_token: TokenCallback | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Answer:
        t0 = time.perf_counter()
        scan = question if route.kind == "list" else ""
        digests = self.read(targets, scan, progress=progress, cancel=cancel)
        text = self._text(question, route, digests, cancel)
        found = text != prompts.NOTHING_FOUND
        if not found:  # said in the question's language, as a passage answer's decline is
            text = nothing_found(text, question_language(question))
        if on_token is not None:
            on_token(text)
        answer = Answer(question, text, standalone_query=question, mode="document")
        answer.citations = self.reader.numbering.cited([text])
        answer.reason = _coverage(digests, route)
        answer.abstained = not found
        answer.timings.total_ms = answer.timings.ttft_ms = (time.perf_counter() - t0) * 1000
        return answer

    def read(
        self,
        paths: list[str],
        question: str,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[DocumentDigest]:
        docs = self.index.find_documents(paths)
        missing = sorted(set(paths) - {d.path for d in docs})
        if missing:
            raise SourcewiseError(f"not indexed: {', '.join(missing)}")
        out = []
        for doc in docs:
            chunks = self.index.chunks_in_order(doc.blob_id)
            digest = self.reader.read(doc, chunks, question, progress=progress, cancel=cancel)
            out.append(digest)
            if digest.cancelled:
                break
        return out

    def _text(
        self, question: str, route: Route, digests: list[DocumentDigest], cancel: CancelToken | None
    ) -> str:
        if any(d.cancelled for d in digests) or (len(digests) == 1 and route.kind != "compare"):
            return "\n\n".join(d.summary for d in digests)
        if route.kind == "list":
            found = [d for d in digests if d.summary != prompts.NOTHING_FOUND]
            return "\n\n".join(f"{d.title}:\n{d.summary}" for d in found) or prompts.NOTHING_FOUND
        notes = [SectionDigest(d.title, [], d.summary, self.reader.numbering.cited([d.summary]))
                 for d in digests if cit.cited_numbers(d.summary)]  # fmt: skip
        if not notes:
            return prompts.NOTHING_FOUND
        if route.kind == "summary":
            return "\n\n".join(f"{n.title}: {n.text}" for n in notes)
        titles = " and ".join(d.title for d in digests)
        try:
            return self.reader.combine(notes, prompts.COMBINE_ANSWER,
                                       {"documents": titles, "question": question}, cancel)  # fmt: skip
        except Cancelled:
            return "\n\n".join(f"{n.title}: {n.text}" for n in notes)


def _name_words(cards: list[tuple[str, str, str]]) -> set[str]:
    words = {w.lower() for name, periods, _ in cards for w in _WORD.findall(f"{name} {periods}")}
    return words | {p for name, _, _ in cards for p in period_tokens(name)}


def _tells_apart(question: str, cards: list[list[tuple[str, str, str]]]) -> bool:
    """Whether the question names each of the documents by a word only its name has ("v2"
    and "v3", "2024" and "2025"); "version 3" counts as "v3"."""
    if len(cards) < 2:
        return False
    asked = _VERSION.sub(lambda m: f"v{m.group(1)}", question.lower())
    words = set(_WORD.findall(asked)) | set(period_tokens(asked))
    names = [_name_words(c) for c in cards]
    return all(words & (mine - set().union(*(o for o in names if o is not mine))) for mine in names)


def _coverage(digests: list[DocumentDigest], route: Route) -> str:
    """What was read, in words: shown under the answer."""
    parts = []
    for d in digests:
        done = f"{d.sections_done} of {d.sections_total} sections"
        stop = ", stopped early" if d.cancelled else ""
        parts.append(f"{d.title} ({done}, {d.pages_read} pages{stop})")
    return f"Read whole: {'; '.join(parts)}; {route.reason}."
