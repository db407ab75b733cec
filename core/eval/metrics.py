"""Evaluation metrics as pure functions: retrieval, answer accuracy, citations, abstention.

Retrieval functions take a ranked list of keys (documents, or ``(path, page)`` pairs) and the
set of relevant keys. A ranked list may repeat a key (several passages of one document): only
its first occurrence counts, later ones score as non-relevant at their rank. Relevance is
binary. Functions return ``None`` where a metric is undefined (no relevant items, no cited
sentence, no abstention), so averages can leave those questions out instead of counting them
as zero.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import pytrec_eval

from sourcewise.core.answer.citations import MARKER, split_sentences
from sourcewise.core.answer.guard import is_decline

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)
# A full stop inside a number or an abbreviation ("1.7", "x.y") does not end a sentence.


# -- retrieval ---------------------------------------------------------------------------------
def _first_hits(ranked: Sequence[Hashable], relevant: set[Hashable], k: int) -> list[bool]:
    """For each of the first ``k`` ranks: is it the first occurrence of a relevant key?"""
    seen: set[Hashable] = set()
    out = []
    for key in ranked[:k]:
        out.append(key in relevant and key not in seen)
        seen.add(key)
    return out


def hit_at_k(ranked: Sequence[Hashable], relevant: set[Hashable], k: int) -> float | None:
    """1.0 when any relevant key is among the first ``k`` ranks, else 0.0."""
    if not relevant:
        return None
    return 1.0 if any(_first_hits(ranked, relevant, k)) else 0.0


def recall_at_k(ranked: Sequence[Hashable], relevant: set[Hashable], k: int) -> float | None:
    """Share of the relevant keys found among the first ``k`` ranks."""
    if not relevant:
        return None
    return sum(_first_hits(ranked, relevant, k)) / len(relevant)


def reciprocal_rank(ranked: Sequence[Hashable], relevant: set[Hashable]) -> float | None:
    """1 / rank of the first relevant key (ranks from 1); 0.0 when none is retrieved.

    The mean of this over questions is MRR.
    """
    if not relevant:
        return None
    for i, key in enumerate(ranked, start=1):
        if key in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[Hashable], relevant: set[Hashable], k: int) -> float | None:
    """Binary-relevance nDCG@k, by trec_eval's ``ndcg_cut`` (pytrec_eval): sum of
    1/log2(rank+1) over relevant first occurrences, divided by the same sum for an ideal
    ranking (all relevant keys first)."""
    if not relevant:
        return None
    hits = _first_hits(ranked, relevant, k)
    # trec_eval ranks by score, so rank i scores len - i. A repeat is judged non-relevant at its
    # rank; relevant keys never retrieved are judged relevant but unranked (the ideal counts them).
    judged = {str(i): int(hit) for i, hit in enumerate(hits)}
    judged |= {f"unranked {j}": 1 for j in range(len(relevant) - sum(hits))}
    run = {str(i): float(len(hits) - i) for i in range(len(hits))}
    evaluator = pytrec_eval.RelevanceEvaluator({"q": judged}, {f"ndcg_cut.{k}"})
    return float(evaluator.evaluate({"q": run})["q"][f"ndcg_cut_{k}"])


def first_relevant_rank(ranked: Sequence[Hashable], relevant: set[Hashable]) -> int | None:
    """Rank (from 1) of the first relevant key, or None; hit@k for every k follows from it."""
    for i, key in enumerate(ranked, start=1):
        if key in relevant:
            return i
    return None


# -- answer accuracy (SQuAD-style) ---------------------------------------------------------------
def normalize_answer(text: str) -> str:
    """Lower case, citation markers, punctuation and articles (a, an, the) removed, spaces
    collapsed: the SQuAD normalization, plus dropping ``[n]`` markers."""
    text = MARKER.sub(" ", text).lower().translate(_PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalized prediction equals the normalized gold answer."""
    return 1.0 if normalize_answer(prediction) == normalize_answer(gold) else 0.0


def token_f1(prediction: str, gold: str) -> float:
    """Harmonic mean of token precision and recall between normalized answers (SQuAD F1).

    Two empty answers score 1.0; one empty answer scores 0.0.
    """
    pred, ref = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not pred or not ref:
        return 1.0 if pred == ref else 0.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def contains_facts(answer: str, facts: Sequence[Sequence[str]]) -> float | None:
    """1.0 when, for every fact, one of its accepted spellings occurs in the answer
    (case-insensitive); None without facts."""
    if not facts:
        return None
    low = answer.lower()
    return 1.0 if all(any(alt.lower() in low for alt in fact) for fact in facts) else 0.0


# -- citations ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sentence:
    text: str  # without markers
    cited: tuple[int, ...]


def answer_sentences(answer: str) -> list[Sentence]:
    """Every sentence of an answer with the ``[n]`` markers that follow or sit inside it."""
    return [
        Sentence(text, cited)
        for text, cited in split_sentences(answer)
        if any(c.isalnum() for c in text)
    ]


def token_overlap(sentence: str, passage: str) -> float:
    """Share of the sentence's normalized tokens that occur in the passage (0.0 when empty)."""
    words = normalize_answer(sentence).split()
    if not words:
        return 0.0
    vocab = set(normalize_answer(passage).split())
    return sum(w in vocab for w in words) / len(words)


def citation_scores(
    answer: str,
    passages: dict[int, str],
    supported: dict[int, bool | None],
    overlap_threshold: float = 0.5,
) -> tuple[float | None, float | None]:
    """(precision, recall) of an answer's citations.

    Precision: the share of (sentence, cited passage) pairs where the passage supports the
    sentence. Recall: the share of answer sentences that carry at least one supporting
    citation. A pair is supported by the checker's flag ``supported[n]`` when it is not None,
    else when ``token_overlap(sentence, passage) >= overlap_threshold``. Citations of
    passages not in ``passages`` count as unsupported. Precision is None with no citation,
    recall None with no sentence.
    """
    sentences = answer_sentences(answer)
    pairs = 0
    good_pairs = 0
    good_sentences = 0
    for sent in sentences:
        ok_any = False
        for n in sent.cited:
            pairs += 1
            flag = supported.get(n)
            if flag is None:
                flag = n in passages and token_overlap(sent.text, passages[n]) >= overlap_threshold
            good_pairs += flag
            ok_any = ok_any or flag
        good_sentences += ok_any
    precision = good_pairs / pairs if pairs else None
    recall = good_sentences / len(sentences) if sentences else None
    return precision, recall


# -- abstention --------------------------------------------------------------------------------
def declined(text: str) -> bool:
    """Whether an answer's wording declines to answer ("the documents do not cover ..."), by
    the answerer's own definition (:func:`sourcewise.core.answer.guard.is_decline`)."""
    return is_decline(text)


def abstention_scores(
    abstained: Sequence[bool], answerable: Sequence[bool]
) -> tuple[float | None, float | None]:
    """(precision, recall) of abstaining as a detector of unanswerable questions.

    Precision: among questions the system abstained on, the share that were unanswerable.
    Recall: among unanswerable questions, the share it abstained on. None when undefined.
    """
    pairs = list(zip(abstained, answerable, strict=True))
    flagged = [ans for abst, ans in pairs if abst]
    unanswerable = [abst for abst, ans in pairs if not ans]
    precision = sum(not a for a in flagged) / len(flagged) if flagged else None
    recall = sum(unanswerable) / len(unanswerable) if unanswerable else None
    return precision, recall


# -- aggregation -------------------------------------------------------------------------------
def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the defined values; None when there are none."""
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation between ranks (numpy's
    default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
