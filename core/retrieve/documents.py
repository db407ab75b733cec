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

from sourcewise.core.retrieve.keyword import query_terms
from sourcewise.core.store.protocol import Store
from sourcewise.core.text.issuer import identity_words, normalise_forms
from sourcewise.core.text.periods import period_tokens, recency
from sourcewise.core.text.stopwords import STOPWORDS
from sourcewise.core.text.words import WORD

# Documents searched on their own: those whose card scores at least this share of the best.
FOCUS_SHARE = 0.8
FOCUS_DOCUMENTS = 3
# A card scoring below the focus share earns its score cubed: "Apple Q3 2022" scores Intel's Q3
# 2022 report 0.67 of Apple's (period words match), which kept most of the boost. sec10q tune
# split (bench/real_reports.py, named files): report@5 0.987 -> 1.0, every named report in the
# top 10 0.854 -> 0.927, gold figure in the top 5 0.306 -> 0.389, MRR 0.859 -> 0.964 (1 -> 3).
SHARPNESS = 3.0
_CARD_LIMIT = 1000
# Share of ``retrieval.document_weight`` given to cards a query does not name by file name.
# SciFact test nDCG@10 (papers named by number, so cards match by title words only): 0.7413
# at 0, 0.7398 at 0.25 (Searcher.search as shipped, one index): no gain, so none.
UNNAMED_SHARE = 0.0
# "compared with previous quarters", "over time", "across these filings": several periods.
# "Across" only before periods or reports: "the revenue distribution across its business
# segments in the latest 10-Q" is about the newest report (it found Amazon's 2022 one).
_ACROSS = re.compile(
    r"\b(?:previous|prior|earlier|preceding|past|over time|trends?|historical|"
    r"across (?:\w+ ){0,3}(?:quarters|periods|years|reports|filings|10-?[kq]s)|"
    r"these (?:quarters|periods|reports|filings)|each (?:quarter|period))\b",
    re.I,
)
_OLDER_SHARE = 0.5  # card score kept by a named report older than the one "latest" means
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_LATEST = re.compile(
    r"\b(?:latest|most recent|newest|last|current|recent)\s+(?:\w+\s+){0,2}?"
    r"(?:10-?[kq]|report|filing|quarter|year|period|release|statements?|results)\b",
    re.I,
)


def card_terms(query: str) -> list[str]:
    """The query's words plus its period tokens ("FY2018" also as ``y2018``); a form is
    written as cards write it ("10-Q" as ``10q``)."""
    return list(dict.fromkeys([*query_terms(normalise_forms(query)), *period_tokens(query)]))


def card_scores(index: Store, query: str) -> dict[int, float]:
    """Each matching document's card BM25 over the best one's: 1.0 for the best, in (0, 1]."""
    raw = index.cards.search_cards(card_terms(query), _CARD_LIMIT)
    best = max(raw.values(), default=0.0)
    if best <= 0:
        return {}
    return {doc: score / best for doc, score in raw.items() if score > 0}


def names_documents(query: str, cards: Sequence[tuple[str, str, str]]) -> bool:
    """Whether the query names one of these documents by its issuer, ticker, form or a word or
    period of its file name.

    Only then is the card a strong signal: reports are named by company and period, while a
    library of papers named by number matches cards by title words, which are about content.
    """
    names = _name_words(cards)
    name_periods = {p for name, _, _ in cards for p in period_tokens(name)}
    return any(
        w.lower() in names or set(period_tokens(w)) & name_periods
        for w in WORD.findall(normalise_forms(query))
    )


def passage_query(query: str, cards: Sequence[tuple[str, str, str]]) -> str:
    """The query without the words that name the documents it points at.

    "Initech FY2018 capital expenditure": once the card has found Initech's 2018 report,
    "initech" and "fy2018" would only pull up the cover page, which names both; the passage
    that answers is found by "capital expenditure". Only naming words go: the issuer's names
    and tickers, the form, the file name's words and the periods. Title and cover words stay,
    since questions use them for content too (a 10-Q cover says "quarterly", "report",
    "securities"); the query stays whole when nothing else would be left.
    """
    # Every word of the cards' names, legal words included ("Example Holdings, Inc.").
    names = {w for name, _, _ in cards for w in WORD.findall(name.lower())}
    periods = {p for _, tokens, _ in cards for p in tokens.split()}
    words = WORD.findall(_POSSESSIVE.sub("", normalise_forms(query)))
    kept = [w for w in words if w.lower() not in names and not set(period_tokens(w)) & periods]
    rest = " ".join(kept)
    return rest if set(query_terms(rest)) - STOPWORDS else query


def _name_words(cards: Sequence[tuple[str, str, str]]) -> set[str]:
    return {w for name, _, _ in cards for w in identity_words(name) if w not in STOPWORDS}


def asks_latest(query: str) -> bool:
    """ "the latest 10-Q", "most recent quarter", "last quarter": the newest report is meant,
    unless the question also reaches back ("compared to previous quarters", "over time")."""
    return _LATEST.search(query) is not None and _ACROSS.search(query) is None


def newest(docs: dict[int, float], periods: dict[int, str]) -> dict[int, float]:
    """Card scores where, among the documents the query names (near the best score), the one
    of the newest period is the best and the others drop below the focus share: the question
    is about that report alone."""
    named = near_best(docs)
    dated = {d: recency(periods.get(d, "")) for d in named}
    dated = {d: key for d, key in dated.items() if key}
    if not dated:
        return docs
    latest = max(dated, key=lambda d: (dated[d], docs[d]))
    older = {d: docs[d] * _OLDER_SHARE for d in named if d != latest}
    return {**docs, **older, latest: max(docs.values())}


def near_best(docs: dict[int, float]) -> list[int]:
    """Every document whose card scores at least the focus share of the best."""
    return [d for d, score in docs.items() if score >= FOCUS_SHARE]


def focus(docs: dict[int, float]) -> list[int]:
    """The documents the query names best (searched on their own as well)."""
    ranked = sorted(docs, key=lambda d: (-docs[d], d))
    return [d for d in ranked[:FOCUS_DOCUMENTS] if docs[d] >= FOCUS_SHARE]


def _share(score: float) -> float:
    """The boost a card score earns: whole for the documents the query names (near the best),
    sharpened below that."""
    return 1.0 if score >= FOCUS_SHARE else score**SHARPNESS


def boost(
    fused: Sequence[tuple[int, float]],
    owners: dict[int, list[int]],
    docs: dict[int, float],
    weight: float,
) -> list[tuple[int, float]]:
    """Fused scores plus ``weight`` times the best card score among each chunk's documents,
    sharpened (raised to ``SHARPNESS``): a report that matches the question's period but not
    its company scores 0.67 of the best card, and would otherwise keep most of the boost."""
    if not docs or weight <= 0:
        return list(fused)
    out = [(cid, s + weight * max((_share(docs.get(d, 0.0)) for d in owners.get(cid, [])),
                                  default=0.0))
           for cid, s in fused]  # fmt: skip
    return sorted(out, key=lambda kv: (-kv[1], kv[0]))
