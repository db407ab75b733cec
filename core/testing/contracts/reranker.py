"""What every :class:`~sourcewise.core.retrieve.rerank.Reranker` must do, as inheritable tests.

Search reorders its candidates by these scores and compares them against thresholds
(abstention, strength labels), so a score must belong to its passage alone: the same whatever
the order of the others or how many are scored together.
"""

from __future__ import annotations

import numpy as np
import pytest

from sourcewise.core.retrieve.rerank import Reranker


class RerankerContract:
    """Inherit in a ``Test...`` class and override the ``reranker`` fixture; for a real model
    make it a class-scoped classmethod, so the model loads once (see the package doc)."""

    query = "How long is the warranty on the drone?"
    relevant = "The drone's warranty lasts 18 months from the date of purchase."
    unrelated = (
        "Store batteries at half charge in a cool dry place.",
        "The canteen serves lunch from noon until two o'clock on weekdays.",
        "Visitors sign in at the front desk and wear a badge at all times.",
    )
    # How far a passage's score may move when scored alone instead of with others. Exact for
    # float models; INT8 models quantise activations per batch (ms-marco-MiniLM-L-12 INT8:
    # up to 0.24 measured, on logits spread over -11..+9).
    batch_atol = 0.5

    @pytest.fixture
    def reranker(self) -> Reranker:
        raise NotImplementedError("override the reranker fixture with the reranker to test")

    def passages(self) -> list[str]:
        return [self.unrelated[0], self.relevant, *self.unrelated[1:]]

    def test_it_gives_one_finite_score_per_passage(self, reranker: Reranker) -> None:
        reranker.warm_up()
        reranker.warm_up()  # a second warm-up is harmless
        scores = reranker.score(self.query, self.passages())
        assert scores.shape == (len(self.passages()),) and scores.dtype == np.float32
        assert np.isfinite(scores).all()

    def test_no_passages_give_no_scores(self, reranker: Reranker) -> None:
        assert reranker.score(self.query, []).shape == (0,)

    def test_the_same_pairs_give_the_same_scores(self, reranker: Reranker) -> None:
        first = reranker.score(self.query, self.passages())
        np.testing.assert_allclose(reranker.score(self.query, self.passages()), first, atol=1e-5)

    def test_a_score_does_not_depend_on_the_order_of_the_passages(self, reranker: Reranker) -> None:
        passages = self.passages()
        forward = reranker.score(self.query, passages)
        backward = reranker.score(self.query, passages[::-1])[::-1]
        np.testing.assert_allclose(backward, forward, atol=1e-4)

    def test_a_passage_scores_alike_alone_and_with_others(self, reranker: Reranker) -> None:
        together = reranker.score(self.query, self.passages())
        alone = np.array([reranker.score(self.query, [p])[0] for p in self.passages()])
        np.testing.assert_allclose(alone, together, atol=self.batch_atol)

    def test_the_obviously_relevant_passage_scores_highest(self, reranker: Reranker) -> None:
        scores = reranker.score(self.query, self.passages())
        assert int(scores.argmax()) == self.passages().index(self.relevant), scores

    def test_a_query_of_any_length_in_any_script_is_scored(self, reranker: Reranker) -> None:
        """A pasted 400-word question, or a Chinese passage quoted as one "sentence", is longer
        than the model's window on its own: it is cut to fit, never an error."""
        long_english = " ".join(["the warranty on the drone and its batteries"] * 60)
        long_chinese = "设计主四合院的都有谁" * 80
        for query in (long_english, long_chinese):
            scores = reranker.score(query, self.passages())
            assert scores.shape == (len(self.passages()),) and np.isfinite(scores).all()
