"""Whole-document reading: map over a document's sections in order, then combine.

Top-k retrieval answers "summarize this report" from five fragments and says nothing of the
rest. Here every section is read (:mod:`sections` picks the sentences worth the model's time),
the model writes a short cited note per section (a summary, or the items answering a question),
and the notes are combined: by the model for a summary, verbatim and de-duplicated for a list
(a small model merging forty items loses some). Citations are numbered across the document:
each note's excerpts are pages, so every section cites the pages it came from.

Notes are cached by content and prompt (:mod:`digest_cache`). Progress is reported per section;
a cancel stops between (and inside) model calls and returns what was read, marked cancelled.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sourcewise.core.answer import citations as cit
from sourcewise.core.answer import guard, prompts
from sourcewise.core.answer.attribution import SourceRef, attribute
from sourcewise.core.answer.digest_cache import DigestCache
from sourcewise.core.answer.routing import list_topic
from sourcewise.core.answer.sections import (
    Section,
    Sentence,
    TokenCounter,
    central_sentences,
    page_range,
    relevant_sentences,
    split_sections,
)
from sourcewise.core.errors import Cancelled
from sourcewise.core.llm.base import ChatModel, Message
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback
from sourcewise.core.retrieve.rerank import Reranker
from sourcewise.core.settings import Settings
from sourcewise.core.store.rows import OrderedChunk, StoredDocument
from sourcewise.core.types import Citation, DocumentDigest, SectionDigest

_NONE = re.compile(r"^\W*none\W*$", re.I)
_MAX_PARTS = 12  # more parts than this get one synthesis (a summary of summaries)
_CONTINUED = " (continued)"
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


@dataclass
class _Excerpt:
    """Sentences of one page of a section: one numbered source of a section's prompt."""

    page: int | None
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


class Numbering:
    """Citation numbers across a whole answer: one per excerpt, in the order first read."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def add(self, path: str, section: Section, excerpt: _Excerpt) -> int:
        first = excerpt.sentences[0]
        n = len(self.citations) + 1
        self.citations.append(
            Citation(
                n=n,
                path=path,
                page=excerpt.page,
                chunk_id=first.chunk_id,
                text=excerpt.text,
                start=first.start,
                end=excerpt.sentences[-1].end,
                heading=section.title,
                quote=first.text,
            )
        )
        return n

    def cited(self, texts: Sequence[str]) -> list[Citation]:
        used = {n for t in texts for n in cit.cited_numbers(t)}
        return [c for c in self.citations if c.n in used]


class DocumentReader:
    """Reads documents whole with one chat model; a reader per answer or summary."""

    def __init__(
        self,
        settings: Settings,
        model: ChatModel,
        reranker: Reranker | None,
        cache: DigestCache | None = None,
    ) -> None:
        self.settings = settings
        self.cfg = settings.reading
        self.model = model
        self.reranker = reranker
        self.cache = cache
        self.numbering = Numbering()
        self.cached = 0

    def read(
        self,
        doc: StoredDocument,
        chunks: Sequence[OrderedChunk],
        question: str = "",
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> DocumentDigest:
        """Notes per section; ``summary`` is the combined summary (no question) or every item
        answering ``question``. Cancelled: the notes so far, ``cancelled`` set."""
        t0 = time.perf_counter()
        sections = split_sections(chunks, self.model.count_tokens, self.cfg.section_tokens)
        digest = DocumentDigest(doc.path, doc.title or os.path.basename(doc.path), question, "",
                                sections_total=len(sections))  # fmt: skip
        cached_before = self.cached
        pages: set[int] = set()
        try:
            for section in sections:
                if cancel is not None:
                    cancel.check()
                digest.sections.append(self._note(digest, section, question, cancel))
                digest.sections_done += 1
                pages.update(section.pages)
                digest.pages_read = len(pages)
                if progress is not None:
                    progress(_progress(digest, section))
            digest.summary = self._combine(digest, cancel)
        except Cancelled:
            digest.cancelled = True
            digest.summary = _joined(digest, question)
        digest.citations = self.numbering.cited(
            [digest.summary, *(s.text for s in digest.sections)]
        )
        digest.cached = self.cached - cached_before
        digest.seconds = time.perf_counter() - t0
        return digest

    # -- one section ---------------------------------------------------------------------------
    def _note(
        self, digest: DocumentDigest, section: Section, question: str, cancel: CancelToken | None
    ) -> SectionDigest:
        picked = self._pick(section, question)
        if not picked:
            return SectionDigest(section.title, section.pages, "")
        excerpts = _by_page(picked)
        sources = "\n".join(f"[{i}] {_page_label(e.page)}\n{e.text}"
                            for i, e in enumerate(excerpts, start=1))  # fmt: skip
        template = prompts.SECTION_SCAN if question else prompts.SECTION_SUMMARY
        user = template.format(title=section.title, document=digest.title, sources=sources,
                               question=question)  # fmt: skip
        text = self._generate(prompts.read_messages(user), self.cfg.section_max_tokens, cancel)
        text = _tidy(text, excerpts, bullets=bool(question))
        if not text:
            return SectionDigest(section.title, section.pages, "")
        numbers = {i: self.numbering.add(digest.path, section, e)
                   for i, e in enumerate(excerpts, start=1)}  # fmt: skip
        text = cit.replace_markers(text, lambda n: f"[{numbers[n]}]" if n in numbers else "")
        return SectionDigest(section.title, section.pages, text,
                             self.numbering.cited([text]))  # fmt: skip

    def _pick(self, section: Section, question: str) -> list[Sentence]:
        count = self.model.count_tokens
        if not question:
            return central_sentences(section.sentences, self.cfg.source_tokens, count)
        topic = list_topic(question)
        return relevant_sentences(topic, section.sentences, self.reranker,
                                  self.cfg.scan_tokens, count)  # fmt: skip

    def _generate(
        self, messages: list[Message], max_tokens: int, cancel: CancelToken | None
    ) -> str:
        key = DigestCache.key(self.model.name, self.settings.llm.adapter, messages)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            self.cached += 1
            return hit
        pieces = []
        for piece in self.model.stream_chat(messages, max_tokens=max_tokens,
                                            temperature=self.settings.llm.temperature,
                                            cancel=cancel):  # fmt: skip
            pieces.append(piece)
        if cancel is not None:
            cancel.check()  # a note cut short by a cancel is not kept
        text = guard.cut_repetition("".join(pieces).strip())
        if self.cache is not None:
            self.cache.put(key, text)
        return text

    # -- combining ---------------------------------------------------------------------------
    def _combine(self, digest: DocumentDigest, cancel: CancelToken | None) -> str:
        notes = [s for s in digest.sections if s.text]
        if digest.question:
            return _items(notes) or prompts.NOTHING_FOUND
        if len(notes) <= 1:
            return notes[0].text if notes else prompts.NOTHING_FOUND
        parts = _by_part(notes)
        if not 1 < len(parts) <= _MAX_PARTS:
            return self.combine(notes, prompts.COMBINE_SUMMARY, {"document": digest.title}, cancel)
        # One summary per top-level part, in order: a single synthesis of a 100-page report
        # spent its five sentences on the first chapter (bench/whole_document.py).
        out = []
        for title, part in parts:
            where = f'the part "{title}" of {digest.title}'
            out.append(
                f"{title}: {self.combine(part, prompts.COMBINE_SUMMARY, {'document': where}, cancel)}"
            )
        return "\n\n".join(out)

    def combine(
        self,
        notes: Sequence[SectionDigest],
        template: str,
        fields: dict[str, str],
        cancel: CancelToken | None,
    ) -> str:
        """The model's synthesis of ``notes`` (a tree of combines when they do not fit one
        prompt); each of its sentences keeps or gets a citation of the note it came from."""
        budget = self.cfg.section_tokens
        while len(notes) > 1 and self._tokens(notes) > budget:
            groups = _groups(notes, budget, self.model.count_tokens)
            if len(groups) == len(notes):
                break  # each note fills a prompt alone: combine them in one go
            notes = [self._merge(group, template, fields, cancel) for group in groups]
        return self._merge(notes, template, fields, cancel).text

    def _merge(
        self,
        notes: Sequence[SectionDigest],
        template: str,
        fields: dict[str, str],
        cancel: CancelToken | None,
    ) -> SectionDigest:
        if len(notes) == 1:
            return notes[0]
        text_notes = "\n".join(f"- {n.title} ({_pages(n.pages)}): {n.text}" for n in notes)
        user = template.format(notes=text_notes, **fields)
        max_tokens = self.settings.llm.max_tokens
        text = self._generate(prompts.read_messages(user), max_tokens, cancel)
        valid = {c.n for n in notes for c in n.citations}
        text = cit.clean_markers(text, valid)
        refs = [SourceRef(n.citations[0].n, n.citations[0].path, None, n.text)
                for n in notes if n.citations]  # fmt: skip
        text = attribute(text, refs)
        text = clean_prose(text)
        if guard.is_decline(text) or not cit.cited_numbers(text):
            # A synthesis that cites nothing is no summary: the notes themselves are, in order.
            text = " ".join(n.text for n in notes)
        pages = sorted({p for n in notes for p in n.pages})
        cited = [c for n in notes for c in n.citations if c.n in set(cit.cited_numbers(text))]
        return SectionDigest(notes[0].title, pages, text, cited)

    def _tokens(self, notes: Sequence[SectionDigest]) -> int:
        return sum(self.model.count_tokens(n.text) + 8 for n in notes)


def _tidy(text: str, excerpts: list[_Excerpt], *, bullets: bool) -> str:
    """Markers checked against the excerpts; unmarked sentences attributed; a note the model
    left uncited cites its first excerpt (the section's pages are where it came from)."""
    if bullets and (not text or _NONE.match(text.splitlines()[0] if text else "")):
        return ""
    text = cit.clean_markers(text, set(range(1, len(excerpts) + 1)))
    refs = [SourceRef(i, "", e.page, e.text) for i, e in enumerate(excerpts, start=1)]
    if bullets:
        lines = [_BULLET.sub("", ln).strip() for ln in text.splitlines()]
        lines = [ln for ln in lines if ln and not _NONE.match(ln)]
        lines = [attribute(ln, refs) for ln in lines]
        lines = [ln if cit.cited_numbers(ln) else f"{ln} [1]" for ln in lines]
        return "\n".join(f"- {ln}" for ln in lines)
    text = clean_prose(attribute(text, refs))
    return text if not text or cit.cited_numbers(text) else f"{text} [1]"


_GLYPH = re.compile(r"(?<=\S)\s+[•◦▪‣]\s+")  # a list item's bullet the model copied mid-text
_LEADING_MARKERS = re.compile(r"^(\s*(?:[-*•]\s*)?)((?:\[\d+\]\s*)+)(?=\S)")
_SENTENCE_STOP = re.compile(r"[.!?。！？](?=\s|$)")
_ENDS_SENTENCE = re.compile(r"[.!?。！？][\"')\]]*(?:\s*\[\d+\])*\s*$")
_LAST_SENTENCE_END = re.compile(r"[.!?。！？][\"')\]]*(?:\s*\[\d+\])*(?=\s|$)")


def clean_prose(text: str) -> str:
    """A note or summary in clean sentences: a line that opens with citation markers gets
    them at the end of its first sentence, and a reply the token limit cut mid-phrase ends
    at its last whole sentence (when it has one)."""
    text = _GLYPH.sub(" ", text)
    text = "\n".join(_markers_moved(line) for line in _markers_joined(text.splitlines())).strip()
    if text and not _ENDS_SENTENCE.search(text):
        cuts = list(_LAST_SENTENCE_END.finditer(text))
        if cuts:
            text = text[: cuts[-1].end()]
    return text


def _markers_joined(lines: list[str]) -> list[str]:
    """A line of bare markers ("[2] [3]" after the last sentence) cites the line before it:
    its markers go before that line's full stop."""
    out: list[str] = []
    for line in lines:
        if not (cit.cited_numbers(line) and not cit.strip_markers(line).strip()) or not out:
            out.append(line)
            continue
        marks, prev = "".join(line.split()), out[-1].rstrip()
        stop = prev[-1:] if prev[-1:] in ".!?。！？" else ""
        out[-1] = f"{prev[: len(prev) - len(stop)].rstrip()} {marks}{stop}"
    return out


def _markers_moved(line: str) -> str:
    m = _LEADING_MARKERS.match(line)
    if not m:
        return line
    rest, marks = line[m.end() :], "".join(m.group(2).split())
    stop = _SENTENCE_STOP.search(rest)
    at = stop.start() if stop else len(rest.rstrip())
    return f"{m.group(1)}{rest[:at].rstrip()} {marks}{rest[at:]}"


def _by_part(notes: Sequence[SectionDigest]) -> list[tuple[str, list[SectionDigest]]]:
    """Notes grouped by the document's top-level part (a long part's sections are titled
    "<part> (continued)"), in order."""
    parts: list[tuple[str, list[SectionDigest]]] = []
    for note in notes:
        title = note.title.removesuffix(_CONTINUED)
        if not parts or parts[-1][0] != title:
            parts.append((title, []))
        parts[-1][1].append(note)
    return parts


def _items(notes: Sequence[SectionDigest]) -> str:
    """Every item of every section's list, in document order, each once."""
    seen: set[str] = set()
    out = []
    for note in notes:
        for line in note.text.splitlines():
            key = " ".join(cit.strip_markers(line).lower().split()).strip("-• .")
            if key and key not in seen:
                seen.add(key)
                out.append(line)
    return "\n".join(out)


def _joined(digest: DocumentDigest, question: str) -> str:
    """What a cancelled reading returns: the notes so far, and how far it got."""
    done = [s for s in digest.sections if s.text]
    pages = sorted({p for s in digest.sections for p in s.pages})
    where = f", pages {pages[0]}–{pages[-1]}" if pages else ""
    head = (f"Stopped after {digest.sections_done} of {digest.sections_total} sections"
            f"{where}.")  # fmt: skip
    body = _items(done) if question else "\n".join(s.text for s in done)
    return f"{head}\n{body}".strip()


def _by_page(sentences: Sequence[Sentence]) -> list[_Excerpt]:
    out: list[_Excerpt] = []
    for s in sentences:
        if not out or out[-1].page != s.page:
            out.append(_Excerpt(s.page))
        out[-1].sentences.append(s)
    return out


def _groups(
    notes: Sequence[SectionDigest], budget: int, count: TokenCounter
) -> list[list[SectionDigest]]:
    groups: list[list[SectionDigest]] = [[]]
    used = 0
    for note in notes:
        cost = count(note.text) + 8
        if groups[-1] and used + cost > budget:
            groups.append([])
            used = 0
        groups[-1].append(note)
        used += cost
    if len(groups) > 1 and len(groups[-1]) == 1:  # a lone last note joins its neighbours
        groups[-2].extend(groups.pop())
    return groups


def _page_label(page: int | None) -> str:
    return f"page {page}" if page is not None else "text"


def _pages(pages: Sequence[int]) -> str:
    return page_range(pages) or "no page"


def _progress(digest: DocumentDigest, section: Section) -> Progress:
    return Progress("reading", done=digest.sections_done, total=digest.sections_total,
                    message=f"{section.title} ({section.page_range or 'no pages'})",
                    pages=digest.pages_read)  # fmt: skip
