"""BM25 keyword search over SQLite FTS5 with a bounded amount of work per query.

FTS5 scores every row matching any query term, so one very common term ("the", or a word in
every chunk of a corpus) makes a query cost time proportional to the corpus. Each term's
document frequency is therefore counted (capped just past the budget), and the most
common ones are dropped until the query touches at most ``postings_budget`` rows: rare terms
carry nearly all of BM25's weight, and a query whose every term is that common gets no keyword
results at all (dense search still answers it). Small corpora are never pruned.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sourcewise.core.store.grams import run_grams, segments
from sourcewise.core.store.protocol import KeywordIndex
from sourcewise.core.text.stopwords import STOPWORDS
from sourcewise.core.text.words import WORD


def query_terms(query: str) -> list[str]:
    """Distinct lower-case words, stopwords removed unless nothing else is left; a run of
    Chinese, Japanese, Thai... is cut into the grams the keyword index holds for it."""
    found: list[str] = []
    for text, spaceless in segments(query):
        found.extend(run_grams(text) if spaceless else WORD.findall(text))
    words = list(dict.fromkeys(w.lower() for w in found))
    content = [w for w in words if w not in STOPWORDS]
    return content or words


class KeywordSearch:
    def __init__(self, keywords: KeywordIndex, postings_budget: int) -> None:
        self.keywords = keywords
        self.budget = postings_budget

    def search(self, query: str, n: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        terms = self.select_terms(query_terms(query))
        if not terms:
            return {}
        return self.keywords.top(terms, n, None if allowed is None else allowed.tolist())

    def select_terms(self, words: Sequence[str]) -> list[str]:
        """The words to search for: rarest first, within the postings budget."""
        df = self._document_frequencies(words)
        ranked = sorted(words, key=lambda w: df.get(w, 0))
        kept: list[str] = []
        spent = 0
        for word in ranked:
            cost = df.get(word, 0)
            if spent + cost > self.budget:
                break  # even the rarest left is too common to pay for: dense search covers it
            kept.append(word)
            spent += cost
        return kept

    def _document_frequencies(self, words: Sequence[str]) -> dict[str, int]:
        """Rows containing each word, counted only to just past the budget.

        FTS5 stems the quoted word exactly as it stems the indexed text. Counting stops early
        because a full count walks the term's whole postings list: the fts5vocab lookup used
        before took 130 ms per query at 1M chunks (bench/latency.py), almost all of it on the
        commonest words, which are dropped anyway.
        """
        cap = self.budget + 1
        df: dict[str, int] = {}
        for word in words:
            count = self.keywords.rows_matching(word, cap)
            if count is not None:  # None: a "word" the keyword index tokenizes to nothing
                df[word] = count
        return df
