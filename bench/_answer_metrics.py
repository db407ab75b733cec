"""Scoring helpers shared by the answer benchmarks: SQuAD normalisation, token F1, whether a
cited passage holds a gold answer, declines said in prose, and percentiles.

Kept free of models so the fast tests can check them without loading one; normalisation
and per-answer F1 are the evaluation suite's (core/eval/metrics.py).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

from sourcewise.core.answer.citations import strip_markers
from sourcewise.core.answer.guard import is_decline
from sourcewise.core.eval import metrics

# SQuAD's normalisation (lower case, punctuation and a/an/the removed, whitespace collapsed,
# ``[n]`` markers dropped): the evaluation suite's own.
normalize = metrics.normalize_answer


def contains_gold(text: str, golds: Iterable[str]) -> bool:
    """Whether a normalised gold answer occurs in the normalised text as whole tokens
    ("1066" does not match inside "10660")."""
    padded = f" {normalize(text)} "
    return any(g and f" {g} " in padded for g in (normalize(x) for x in golds))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def holds_gold(text: str, gold: str) -> bool:
    """A gold answer in the text: whole normalised tokens, or, for CJK (written without
    spaces, and XQuAD's Chinese golds with stray ones), a substring with spaces dropped."""
    if _CJK.search(gold):
        return "".join(gold.split()) in "".join(text.split())
    return contains_gold(text, [gold])


# MLQA's evaluation (mlqa_evaluation_v1.py): lower case, Unicode punctuation out, then each
# language's articles out. Languages it does not name keep their articles.
_ARTICLES = {
    "en": re.compile(r"\b(a|an|the)\b"),
    "es": re.compile(r"\b(un|una|unos|unas|el|la|los|las)\b"),
    "vi": re.compile(r"\b(của|là|cái|chiếc|những)\b"),
    "de": re.compile(r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b"),
    "ar": re.compile(r"\sال^|ال"),
}


def mlqa_normalize(text: str, lang: str) -> str:
    """``text`` normalised as MLQA's evaluation does for ``lang``, spaces dropped (so a
    substring test reads a CJK answer, or an Arabic one with a clitic, like any other)."""
    kept = "".join(c for c in text.lower() if not unicodedata.category(c).startswith("P"))
    article = _ARTICLES.get(lang)
    return "".join((article.sub(" ", kept) if article else kept).split())


def mlqa_contains(text: str, golds: Iterable[str], lang: str) -> bool:
    """Whether a gold, MLQA-normalised, occurs in the MLQA-normalised text (its ``[n]``
    markers dropped first: they are no part of an answer)."""
    said = mlqa_normalize(strip_markers(text), lang)
    return any(g and g in said for g in (mlqa_normalize(x, lang) for x in golds))


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """SQuAD token F1, the best over the gold answers (0.0 without any)."""
    return max((metrics.token_f1(prediction, g) for g in golds if normalize(g)), default=0.0)


def says_not_covered(text: str) -> bool:
    """A decline said in prose ("the documents do not cover it"), by the answerer's own
    definition: an abstention even though the gate let the question through."""
    return is_decline(text)


def span_covers(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether the character range [start, end) holds one of the gold spans entirely."""
    return end > start and any(start <= s and e <= end for s, e in spans)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values. Nearest rank, not
    interpolation, so a p95 of 40 samples is a value that was measured."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def rate(flags: Sequence[bool]) -> float | None:
    """Share of true flags; None when there is nothing to count."""
    return sum(flags) / len(flags) if flags else None
