"""Citations that always show: prose references and uncited sentences mapped to sources.

Small models often cite in prose ("see workshop-safety-manual.pdf, page 3") or not at all. A
sentence without a marker gets one when its source is unambiguous: a file name (or page) that
only one source has, else the one source whose evidence holds most of the sentence's words.
Nothing is cited that no source supports. A sentence citing a source that holds few of its
words, while one other source holds most of them, cites that one instead: the small models
misnumber sources ("项目预算增加了15万元。[2]" where [1] says it and [2] is about Tesla).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from sourcewise.core.answer import citations as cit
from sourcewise.core.store.grams import grams
from sourcewise.core.text.stopwords import ATTRIBUTION_STOPWORDS as _STOP
from sourcewise.core.text.words import SPACELESS_RUN

_WORD = re.compile(r"[^\W_]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
_PAGE = re.compile(r"\bpages?\s+(\d{1,4})\b", re.I)
MIN_OVERLAP = 0.6  # share of a sentence's content words that must occur in one source
MISCITED_BELOW = 0.3  # a cited source holding less than this share of them was misnumbered


@dataclass(frozen=True)
class SourceRef:
    n: int
    path: str
    page: int | None
    text: str  # the evidence shown to the model


def attribute(answer: str, sources: list[SourceRef]) -> str:
    """``answer`` with a marker added to each unmarked sentence whose source is clear."""
    out = answer
    for sentence, nums in cit.split_sentences(answer):
        if nums:
            continue
        n = (prose_reference(sentence, sources) or best_overlap(sentence, sources)
             or figure_source(sentence, sources))  # fmt: skip
        if n is not None:
            out = _append_marker(out, sentence, n)
    return out


def recite(answer: str, sources: list[SourceRef]) -> str:
    """``answer`` with each misnumbered citation moved to the source that holds the sentence:
    only a sentence citing one source that holds under ``MISCITED_BELOW`` of its words, when
    exactly one other source holds ``MIN_OVERLAP`` of them."""
    by_n = {s.n: s for s in sources}
    out = answer
    for sentence, nums in cit.split_sentences(answer):
        if len(nums) != 1 or nums[0] not in by_n:
            continue
        n = best_overlap(sentence, sources)
        if n is None or n == nums[0] or _overlap(sentence, by_n[nums[0]]) >= MISCITED_BELOW:
            continue
        out = _renumber(out, sentence, nums[0], n)
    return out


def prose_reference(sentence: str, sources: list[SourceRef]) -> int | None:
    """The source a sentence names in prose (file name, optionally with a page), if unique."""
    low = sentence.lower()
    named = [s for s in sources if _names_file(low, s.path)]
    pages = {int(p) for p in _PAGE.findall(sentence)}
    if named and pages:
        named = [s for s in named if s.page in pages] or named
    elif pages:
        named = [s for s in sources if s.page in pages]
    numbers = {s.n for s in named}
    return numbers.pop() if len(numbers) == 1 else None


def best_overlap(sentence: str, sources: list[SourceRef]) -> int | None:
    if len(overlap_terms(sentence)) < 2:
        return None
    scored = sorted(((_overlap(sentence, s), s.n) for s in sources), reverse=True)
    if not scored or scored[0][0] < MIN_OVERLAP:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # two sources hold it equally: no honest single citation
    return scored[0][1]


def figure_source(sentence: str, sources: list[SourceRef]) -> int | None:
    """The one source that holds every figure of the sentence (three digits or more, or with
    a decimal point). "The Heron costs 2190 euros [2]." came with one source, a catalogue row
    ("price_eur: 2190"): the invented [2] was dropped, and "costs" and "euros" are not the
    row's words, so the overlap rule found no source for a figure only that row states."""
    found = _figures(cit.strip_markers(sentence))
    if not found:
        return None
    holders = [s.n for s in sources if found <= _figures(s.text)]
    return holders[0] if len(holders) == 1 else None


def _figures(text: str) -> set[str]:
    return {f for f in _NUMBER.findall(_THOUSANDS.sub("", text)) if len(f) >= 3 or "." in f}


def _overlap(sentence: str, source: SourceRef) -> float:
    """The share of the sentence's terms that the source's evidence holds."""
    terms = overlap_terms(sentence)
    return len(terms & overlap_terms(source.text)) / len(terms) if terms else 0.0


def overlap_terms(text: str) -> set[str]:
    """Content words, and for Chinese, Japanese or Thai the character pairs of each run (a
    run is not a word: the sentence and its source split it differently)."""
    flat = _THOUSANDS.sub("", SPACELESS_RUN.sub(" ", text))  # "118,200" in prose, 118200 in a sheet
    return content_words(flat) | set(grams(text))


def _renumber(text: str, sentence: str, old: int, new: int) -> str:
    found = cit.locate(text, sentence)
    if found is None:
        return text
    span = re.sub(rf"\[{old}\]", f"[{new}]", text[found.start() : found.end()])
    return text[: found.start()] + span + text[found.end() :]


def _names_file(low: str, path: str) -> bool:
    base = os.path.basename(path).lower()
    stem = os.path.splitext(base)[0]
    spaced = " ".join(_WORD.findall(stem))
    return base in low or (len(stem) > 3 and stem in low) or (len(spaced) > 3 and spaced in low)


def content_words(text: str) -> set[str]:
    return {
        w for w in (t.lower() for t in _WORD.findall(cit.strip_markers(text))) if w not in _STOP
    }


def _append_marker(text: str, sentence: str, n: int) -> str:
    found = cit.locate(text, sentence)
    if found is None:
        return text
    end = found.end()
    if text[end - 1] in ".!?":  # "... 38,000 km [2]." reads as the prompt asks
        end -= 1
    return f"{text[:end]} [{n}]{text[end:]}"
