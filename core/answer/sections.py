"""A document read whole: its chunks grouped into sections, and the sentences worth reading.

A 100-page report is ~60k tokens, which a small model reads on 2 cores at ~150 tokens/s: seven
minutes before it writes a word. So each section is first cut down without the model: for a
summary, to the sentences that carry the section's vocabulary (SumBasic, a classic extractive
summariser: frequent content words, redundancy down-weighted); for a list question ("every
deadline"), to the sentences the cross-encoder ranks first for it. The model reads only those.

Sections follow the document's own top-level headings; a long one is cut at a token budget, a
run of short ones is merged, so each model call reads about the same amount.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sourcewise.core.answer.attribution import content_words
from sourcewise.core.answer.evidence import split_units
from sourcewise.core.retrieve.pages import page_at, parse_marks
from sourcewise.core.retrieve.rerank import Reranker
from sourcewise.core.store.rows import OrderedChunk
from sourcewise.core.text.sentences import ends_sentence

TokenCounter = Callable[[str], int]
_LIST_WORDS = {"list", "every", "all", "each", "mentioned", "name", "give"}
_RUNNING = re.compile(r"^.{0,60}\bpage \d+(?: of \d+)?[^\w.]*$", re.I)  # a page's running footer
_MIN_WORDS = 4  # shorter fragments (a page number, a caption) are not worth a summary's room
# A summary is made of prose. A letterhead, an address or "Owner: Priya Natarajan, Workshop
# Manager (ext. 2301)." is not, even with a full stop: a summary that read them opened with
# "Brightwater Bicycle Works, Harbour Road, Kestrel Bay [1]." (the model copies its excerpts in
# document order). They are read only where a section has no prose (a table, a list of names).
_NAME_LINE_SHARE = 0.75  # of its words capitalised or figures: a German noun-rich sentence ~0.5
_BULLET = re.compile(r"^\s*[•◦▪‣·*-]\s+")  # a list item's glyph: the model copied it mid-summary


@dataclass(frozen=True)
class Sentence:
    """One sentence or table row of the document; offsets are in the document's text."""

    text: str
    page: int | None
    chunk_id: int
    start: int
    end: int


@dataclass
class Section:
    title: str
    sentences: list[Sentence] = field(default_factory=list)
    tokens: int = 0

    @property
    def pages(self) -> list[int]:
        return sorted({s.page for s in self.sentences if s.page is not None})

    @property
    def page_range(self) -> str:
        return page_range(self.pages)


def page_range(pages: Sequence[int]) -> str:
    """ "p. 3" or "pp. 3–7" for sorted pages; "" for none."""
    if not pages:
        return ""
    return ("p. " if pages[0] == pages[-1] else "pp. ") + _span(pages)


def sentences_of(chunks: Sequence[OrderedChunk]) -> list[tuple[str, list[Sentence]]]:
    """(top-level heading, sentences) per chunk, in order; the overlap a chunk repeats from
    its predecessor is dropped, so each sentence appears once."""
    out: list[tuple[str, list[Sentence]]] = []
    covered = -1  # document offset up to which sentences were taken
    for chunk in chunks:
        marks = parse_marks(chunk.page_marks)
        first = chunk.page_start
        taken = []
        titles = {t.strip().lower() for t in chunk.heading.split(" > ")}
        for unit in split_units(chunk.text):
            start, end = chunk.start + unit.start, chunk.start + unit.end
            if start < covered or _not_prose(unit.text, titles):
                continue
            text = _BULLET.sub("", unit.text)
            if unit.header is not None:  # a table row reads with its column names
                text = chunk.text[unit.header[0] : unit.header[1]].split("\n")[0] + " " + text
            taken.append(Sentence(text, page_at(marks, unit.start, first), chunk.chunk_id,
                                  start, end))  # fmt: skip
            covered = end
        out.append((chunk.heading.split(" > ")[0].strip(), taken))
    return out


def _not_prose(text: str, titles: set[str]) -> bool:
    """A heading ("1. Purpose and scope") or a running page header or footer ("Workshop
    Safety Manual - page 1 of 3"): shown to the model among a section's sentences, it was
    copied into the summary as if it were one ("Kestrel Bay [1]. 1. Purpose and scope 2")."""
    return text.strip().lower() in titles or bool(_RUNNING.search(text))


def split_sections(
    chunks: Sequence[OrderedChunk], count: TokenCounter, max_tokens: int
) -> list[Section]:
    """Consecutive chunks under one top-level heading form a section; a section closes at a
    new heading once it holds a quarter of ``max_tokens``, and always before it would exceed
    ``max_tokens``."""
    sections: list[Section] = []
    current: Section | None = None
    key = None
    for heading, sentences in sentences_of(chunks):
        cost = sum(count(s.text) for s in sentences)
        new_heading = heading != key and current is not None and current.tokens >= max_tokens // 4
        too_big = current is not None and current.tokens + cost > max_tokens and current.tokens
        if current is None or new_heading or too_big:
            title = heading if heading != key or current is None else f"{heading} (continued)"
            current = Section(title)
            sections.append(current)
        key = heading
        current.sentences.extend(sentences)
        current.tokens += cost
    sections = [s for s in sections if s.sentences]
    for s in sections:
        s.title = s.title or (f"Pages {_span(s.pages)}" if s.pages else "Text")
    return sections


def central_sentences(
    sentences: Sequence[Sentence], budget_tokens: int, count: TokenCounter
) -> list[Sentence]:
    """SumBasic: repeatedly take the sentence whose content words are most frequent in the
    section, then square those words' probabilities so the next pick says something else."""
    words = [content_words(s.text) for s in sentences]
    freq = Counter(w for ws in words for w in ws)
    total = sum(freq.values()) or 1
    prob = {w: c / total for w, c in freq.items()}
    candidates = [i for i, s in enumerate(sentences) if len(s.text.split()) >= _MIN_WORDS]
    whole = [i for i in candidates if _prose(sentences[i].text)]
    candidates = whole or candidates
    chosen: list[int] = []
    used = 0
    while candidates:
        best = max(candidates, key=lambda i: _mean(prob, words[i]))
        candidates.remove(best)
        cost = count(sentences[best].text) + 2
        if used + cost > budget_tokens and chosen:
            continue
        chosen.append(best)
        used += cost
        for w in words[best]:
            prob[w] = prob[w] ** 2
    return [sentences[i] for i in sorted(chosen)]


def relevant_sentences(
    question: str,
    sentences: Sequence[Sentence],
    reranker: Reranker | None,
    budget_tokens: int,
    count: TokenCounter,
) -> list[Sentence]:
    """The sentences that bear most on ``question``, best first until the budget, returned in
    document order. The cross-encoder's scores only rank: for a category ("action items",
    "people") the items themselves score low, so the model decides what is one. Without a
    cross-encoder, sentences sharing a content word with the question, none if none does."""
    if not sentences:
        return []
    texts = [s.text for s in sentences]
    if reranker is not None:
        scores = [float(x) for x in reranker.score(question, texts)]
    else:
        terms = content_words(question) - _LIST_WORDS
        shared = [len(terms & content_words(t)) for t in texts]
        scores = [float(n) if n else float("-inf") for n in shared]
    order = sorted(range(len(sentences)), key=lambda i: -scores[i])
    chosen: list[int] = []
    used = 0
    for i in order:
        if scores[i] == float("-inf"):
            break
        cost = count(texts[i]) + 2
        if used + cost > budget_tokens and chosen:
            break
        chosen.append(i)
        used += cost
    return [sentences[i] for i in sorted(chosen)]


def _prose(text: str) -> bool:
    """A sentence of running text: it ends on a stop and is not mostly names and figures."""
    words = [w.strip("([{\"'“‘") for w in text.split()]
    words = [w for w in words if w and w[0].isalnum()]
    named = sum(w[0].isupper() or w[0].isdigit() for w in words)
    return ends_sentence(text) and named < _NAME_LINE_SHARE * max(1, len(words))


def _span(pages: Sequence[int]) -> str:
    return str(pages[0]) if pages[0] == pages[-1] else f"{pages[0]}–{pages[-1]}"


def _mean(prob: dict[str, float], words: set[str]) -> float:
    return sum(prob[w] for w in words) / len(words) if words else 0.0
