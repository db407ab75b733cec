"""Document identity in retrieval: card scores, the documents a query names, their boost.

A question that names its document ("FY2018 capital expenditure for Acme") is answered by a
passage that rarely repeats the name: the same table sits in every year's report of every
company. Each document's card (file name, title, cover lines, periods) is scored against the
query with BM25; the documents the query names best are searched on their own as well (so
their passages are candidates even among hundreds of look-alikes), and every candidate's fused
score gains ``weight`` times its document's card score, normalised to the best card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sourcewise.core.retrieve.keyword import STOPWORDS, query_terms
from sourcewise.core.retrieve.periods import period_tokens
from sourcewise.core.store.protocol import Store

# Documents searched on their own: those whose card scores at least this share of the best.
FOCUS_SHARE = 0.8
FOCUS_DOCUMENTS = 3
_CARD_LIMIT = 1000
# Share of ``retrieval.document_weight`` given to cards a query does not name by file name.
# SciFact test nDCG@10 (papers named by number, so cards match by title words only): 0.7413
# at 0, 0.7398 at 0.25 (Searcher.search as shipped, one index): no gain, so none.
UNNAMED_SHARE = 0.0
_WORD = re.compile(r"\w+", re.UNICODE)


def card_terms(query: str) -> list[str]:
    """The query's words plus its period tokens ("FY2018" also as ``y2018``)."""
    return list(dict.fromkeys([*query_terms(query), *period_tokens(query)]))


def card_scores(index: Store, query: str) -> dict[int, float]:
    """Each matching document's card BM25 over the best one's: 1.0 for the best, in (0, 1]."""
    raw = index.cards.search_cards(card_terms(query), _CARD_LIMIT)
    best = max(raw.values(), default=0.0)
    if best <= 0:
        return {}
    return {doc: score / best for doc, score in raw.items() if score > 0}


def names_documents(query: str, cards: Sequence[tuple[str, str, str]]) -> bool:
    """Whether the query names one of these documents by a word or period of its file name.

    Only then is the card a strong signal: reports are named by company and period, while a
    library of papers named by number matches cards by title words, which are about content.
    """
    name_words = {w.lower() for name, _, _ in cards for w in _WORD.findall(name)}
    name_words = {w for w in name_words if len(w) > 1 and w not in STOPWORDS}
    name_periods = {p for name, _, _ in cards for p in period_tokens(name)}
    return any(
        w.lower() in name_words or set(period_tokens(w)) & name_periods
        for w in _WORD.findall(query)
    )


def passage_query(query: str, cards: Sequence[tuple[str, str, str]]) -> str:
    """The query without the words that name the documents it points at.

    "Initech FY2018 capital expenditure": once the card has found Initech's 2018 report,
    "initech" and "fy2018" would only pull up the cover page, which names both; the passage
    that answers is found by "capital expenditure". The words of the named cards' file name,
    periods, title and cover go; the query stays whole when nothing else would be left.
    """
    identity = {w.lower() for name, _, text in cards for w in _WORD.findall(f"{name} {text}")}
    periods = {p for _, tokens, _ in cards for p in tokens.split()}
    words = _WORD.findall(query)
    kept = [w for w in words if w.lower() not in identity and not set(period_tokens(w)) & periods]
    rest = " ".join(kept)
    return rest if set(query_terms(rest)) - STOPWORDS else query


def focus(docs: dict[int, float]) -> list[int]:
    """The documents the query names best (searched on their own as well)."""
    ranked = sorted(docs, key=lambda d: (-docs[d], d))
    return [d for d in ranked[:FOCUS_DOCUMENTS] if docs[d] >= FOCUS_SHARE]


def boost(
    fused: Sequence[tuple[int, float]],
    owners: dict[int, list[int]],
    docs: dict[int, float],
    weight: float,
) -> list[tuple[int, float]]:
    """Fused scores plus ``weight`` times the best card score among each chunk's documents."""
    if not docs or weight <= 0:
        return list(fused)
    out = [(cid, s + weight * max((docs.get(d, 0.0) for d in owners.get(cid, [])), default=0.0))
           for cid, s in fused]  # fmt: skip
    return sorted(out, key=lambda kv: (-kv[1], kv[0]))
