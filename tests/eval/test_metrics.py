"""The metric functions against values computed by hand."""

from __future__ import annotations

import math

import pytest

from sourcewise.core.eval import metrics as m

RANKED = ["a", "b", "a", "c", "d"]  # "a" twice: a document with two retrieved passages
RELEVANT = {"a", "c"}


def test_hit_and_recall_count_each_relevant_key_once() -> None:
    assert m.hit_at_k(RANKED, RELEVANT, 1) == 1.0
    assert m.hit_at_k(["x", "y", "c"], RELEVANT, 2) == 0.0
    assert m.recall_at_k(RANKED, RELEVANT, 3) == 0.5  # the second "a" adds nothing
    assert m.recall_at_k(RANKED, RELEVANT, 5) == 1.0
    assert m.hit_at_k(RANKED, set(), 3) is None and m.recall_at_k(RANKED, set(), 3) is None


def test_reciprocal_rank() -> None:
    assert m.reciprocal_rank(RANKED, RELEVANT) == 1.0
    assert m.reciprocal_rank(["x", "y", "c"], RELEVANT) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(["x"], RELEVANT) == 0.0
    assert m.first_relevant_rank(["x", "y", "c"], RELEVANT) == 3
    assert m.first_relevant_rank(["x"], RELEVANT) is None


def test_ndcg_by_hand() -> None:
    ideal = 1 + 1 / math.log2(3)  # two relevant keys at ranks 1 and 2
    # k=3: relevant first occurrence only at rank 1 (rank 3 repeats "a")
    assert m.ndcg_at_k(RANKED, RELEVANT, 3) == pytest.approx(1 / ideal)  # 0.61315
    assert m.ndcg_at_k(RANKED, RELEVANT, 3) == pytest.approx(0.61315, abs=1e-5)
    # k=5: ranks 1 and 4
    assert m.ndcg_at_k(RANKED, RELEVANT, 5) == pytest.approx((1 + 1 / math.log2(5)) / ideal)
    assert m.ndcg_at_k(RANKED, RELEVANT, 5) == pytest.approx(0.87722, abs=1e-5)
    assert m.ndcg_at_k(["a"], {"a"}, 10) == 1.0


def test_ndcg_counts_unretrieved_keys_in_the_ideal_and_caps_it_at_k() -> None:
    # "c" is never retrieved: the ideal still holds two relevant keys (ranks 1 and 2)
    ideal = 1 + 1 / math.log2(3)
    assert m.ndcg_at_k(["x", "a"], {"a", "c"}, 10) == pytest.approx((1 / math.log2(3)) / ideal)
    assert m.ndcg_at_k(["x", "a"], {"a", "c"}, 10) == pytest.approx(0.38685, abs=1e-5)
    # three relevant keys, k = 2: the ideal is two relevant ranks, so a perfect top 2 scores 1
    assert m.ndcg_at_k(["a", "b", "x"], {"a", "b", "c"}, 2) == pytest.approx(1.0)
    # relevant key at rank 3 only, k = 3: (1/log2(4)) / 1
    assert m.ndcg_at_k(["x", "y", "a"], {"a"}, 3) == pytest.approx(0.5)
    assert m.ndcg_at_k(["x", "y", "a"], {"a"}, 2) == 0.0  # outside the cut
    assert m.ndcg_at_k([], {"a"}, 10) == 0.0
    assert m.ndcg_at_k(["a"], set(), 10) is None
    # keys of any hashable kind: (path, page) pairs, a repeat scoring as non-relevant
    pages = [("a.pdf", 2), ("a.pdf", 2), ("b.pdf", 1)]
    want = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert m.ndcg_at_k(pages, {("a.pdf", 2), ("b.pdf", 1)}, 5) == pytest.approx(want)


def test_squad_normalization_em_and_f1() -> None:
    assert m.normalize_answer("The  Warranty, is 18 months! [1]") == "warranty is 18 months"
    assert m.exact_match("The 18 months!", "18 months") == 1.0
    assert m.exact_match("18 months long", "18 months") == 0.0
    # pred "cat sat on mat" (4 tokens) vs gold "cat on mat" (3): P = 3/4, R = 1, F1 = 6/7
    assert m.token_f1("The cat sat on the mat.", "a cat on a mat") == pytest.approx(6 / 7)
    assert m.token_f1("nothing shared", "cat") == 0.0
    assert m.token_f1("", "") == 1.0 and m.token_f1("", "x") == 0.0
    # repeated tokens count with their multiplicity: common = 1, P = 1/3, R = 1
    assert m.token_f1("cat cat cat", "cat") == pytest.approx(0.5)


def test_contains_facts() -> None:
    assert m.contains_facts("It takes four and a half hours", [["4.5", "four and a half"]]) == 1.0
    assert m.contains_facts("10:00 only", [["10:00"], ["15:00", "3 pm"]]) == 0.0
    assert m.contains_facts("anything", []) is None


def test_answer_sentences_keep_decimals_and_trailing_markers() -> None:
    sents = m.answer_sentences("It holds 1.7 litres [1]. Also 2200 W.[2] Call us.")
    assert [s.text for s in sents] == ["It holds 1.7 litres.", "Also 2200 W.", "Call us."]
    assert [s.cited for s in sents] == [(1,), (2,), ()]


def test_citation_precision_and_recall_by_hand() -> None:
    answer = "The warranty is 18 months [1]. Batteries last 300 cycles [2]. Call us."
    passages = {1: "The warranty is 18 months from purchase.", 2: "Store batteries cool."}
    # sentence 1: 4/4 tokens in passage 1 -> supported; sentence 2: 1/4 in passage 2 -> not;
    # sentence 3 cites nothing. Precision 1/2 pairs, recall 1/3 sentences.
    p, r = m.citation_scores(answer, passages, {1: None, 2: None})
    assert (p, r) == (pytest.approx(0.5), pytest.approx(1 / 3))
    # the checker's flag wins over the overlap fallback
    p, r = m.citation_scores(answer, passages, {1: None, 2: True})
    assert (p, r) == (pytest.approx(1.0), pytest.approx(2 / 3))
    p, r = m.citation_scores(answer, passages, {1: False, 2: True})
    assert (p, r) == (pytest.approx(0.5), pytest.approx(1 / 3))
    # a marker pointing at no passage is unsupported; no sentence, no citation: undefined
    assert m.citation_scores("A claim [7].", {}, {}) == (0.0, 0.0)
    assert m.citation_scores("", {}, {}) == (None, None)
    assert m.token_overlap("batteries last 300 cycles", "Store batteries cool.") == 0.25


def test_abstention_precision_and_recall() -> None:
    # abstained on q1 (unanswerable: right) and q2 (answerable: wrong); missed q3
    p, r = m.abstention_scores([True, True, False, False], [False, True, False, True])
    assert (p, r) == (0.5, 0.5)
    assert m.abstention_scores([False, False], [True, True]) == (None, None)
    assert m.declined("The documents do not cover this.") and not m.declined("It is 18 months.")


def test_mean_and_percentile() -> None:
    assert m.mean([1.0, None, 3.0]) == 2.0 and m.mean([None]) is None
    assert m.percentile([1.0, 2.0, 3.0, 4.0], 95) == pytest.approx(3.85)  # 2.85 -> 3 + 0.85
    assert m.percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert m.percentile([], 50) is None
