"""Character n-grams for the scripts written without spaces between words.

A word index (FTS5's ``unicode61``, PostgreSQL's parser) reads a run of Chinese or Japanese
characters as one token, so a word inside the run is never found; Thai, Lao, Khmer and Burmese
are written the same way. Each run of those scripts is also indexed as its overlapping
character pairs (暗証番号 -> 暗証 証番 番号), and a query's runs are cut the same way: a document
holding the query's word holds all of its pairs, and BM25 over the pairs ranks it first. Pairs
need no dictionary and find two-character words, the commonest in Chinese, which trigrams
cannot (bench/cjk_keyword.py measured them against trigrams and dictionary words on XQuAD).

Thai vowel and tone marks are combining characters: a "character" here is a base character
with the marks that follow it, so a pair never holds a lone mark. Text in other scripts is left
to the word index unchanged (English keeps its stemming).
"""

from __future__ import annotations

import unicodedata

from sourcewise.core.text.words import SPACELESS_RUN

GRAM = 2  # characters per gram: bench/cjk_keyword.py


def _units(run: str) -> list[str]:
    """The run's characters, each with the combining marks that follow it."""
    units: list[str] = []
    for ch in run:
        if units and unicodedata.category(ch).startswith("M"):
            units[-1] += ch
        else:
            units.append(ch)
    return units


def run_grams(run: str, n: int = GRAM) -> list[str]:
    """The overlapping ``n``-character grams of one run; a shorter run is its own gram."""
    units = _units(run)
    if len(units) <= n:
        return ["".join(units)] if units else []
    return ["".join(units[i : i + n]) for i in range(len(units) - n + 1)]


def grams(text: str, n: int = GRAM) -> list[str]:
    """Every gram of ``text``'s runs in the spaceless scripts, in order (repeats kept)."""
    return [g for run in SPACELESS_RUN.findall(text) for g in run_grams(run, n)]


def gram_text(text: str, n: int = GRAM) -> str:
    """What the gram index holds for a chunk: its grams separated by spaces ('' for none)."""
    return " ".join(grams(text, n))


def chunk_grams(text: str, heading: str = "", n: int = GRAM) -> str:
    """A chunk's grams as the gram index holds them, its heading's first (the word index
    searches headings too): separated by spaces, '' for none."""
    return gram_text(f"{heading}\n{text}", n)


def is_gram(term: str) -> bool:
    """Whether a query term is a gram (for the gram index) rather than a word."""
    return bool(term) and SPACELESS_RUN.fullmatch(term) is not None


def segments(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into its runs of spaceless scripts (True) and the text between (False),
    in order: ``iPhone用の暗証`` -> ``("iPhone", False), ("用の暗証", True)``."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in SPACELESS_RUN.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out
