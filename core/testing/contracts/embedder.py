"""What every :class:`~sourcewise.core.embed.base.Embedder` must do, as inheritable tests.

The index relies on these: vectors of the declared size, unit length (inner product is cosine
in FAISS), the same vector for the same text whatever else shares its batch (texts are
re-batched by length when indexing), and related text nearer than unrelated text.
"""

from __future__ import annotations

import numpy as np
import pytest

from sourcewise.core.embed.base import Embedder, Vectors


def _cosines(a: Vectors, b: Vectors) -> Vectors:
    """Row-by-row cosine (the rows are unit vectors, so the inner product)."""
    return np.asarray((a * b).sum(axis=-1), dtype=np.float32)


class EmbedderContract:
    """Inherit in a ``Test...`` class and override the ``embedder`` fixture; for a real model
    make it a class-scoped classmethod, so the model loads once (see the package doc)."""

    query = "How long is the warranty on the drone?"
    relevant = "The drone's warranty lasts 18 months from the date of purchase."
    paraphrase = "Repairs to the drone are free while its warranty lasts."
    unrelated = "Store batteries at half charge in a cool dry place."
    texts = (relevant, unrelated, "Cats.", "", "Visitors sign in at the front desk. " * 8)
    # How close a text's vector must stay to itself when embedded with others: the same, up to
    # float rounding. (The INT8 models quantise activations per run, so they embed each text
    # alone: beside others, bge-small-en's vectors moved to cosine 0.989, and two index builds
    # of the same files ranked near-ties differently.)
    batch_min_cosine = 0.9999

    @pytest.fixture
    def embedder(self) -> Embedder:
        raise NotImplementedError("override the embedder fixture with the embedder to test")

    def test_it_has_a_name_and_a_positive_dimension(self, embedder: Embedder) -> None:
        assert isinstance(embedder.name, str) and embedder.name
        assert isinstance(embedder.dim, int) and embedder.dim > 0

    def test_warm_up_can_be_called_again(self, embedder: Embedder) -> None:
        embedder.warm_up()
        embedder.warm_up()
        assert embedder.embed_query(self.query).shape == (embedder.dim,)

    def test_vectors_have_the_declared_dimension_and_dtype(self, embedder: Embedder) -> None:
        docs = embedder.embed_documents(self.texts)
        query = embedder.embed_query(self.query)
        assert docs.shape == (len(self.texts), embedder.dim) and docs.dtype == np.float32
        assert query.shape == (embedder.dim,) and query.dtype == np.float32

    def test_no_texts_give_an_empty_matrix(self, embedder: Embedder) -> None:
        assert embedder.embed_documents([]).shape == (0, embedder.dim)

    def test_vectors_are_unit_length_even_for_empty_text(self, embedder: Embedder) -> None:
        vectors = np.vstack([embedder.embed_documents(self.texts), embedder.embed_query("")])
        assert np.isfinite(vectors).all()
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)

    def test_the_same_texts_give_the_same_vectors(self, embedder: Embedder) -> None:
        first = embedder.embed_documents(self.texts)
        np.testing.assert_allclose(embedder.embed_documents(self.texts), first, atol=1e-5)
        np.testing.assert_allclose(embedder.embed_query(self.query),
                                   embedder.embed_query(self.query), atol=1e-5)  # fmt: skip

    def test_a_text_embeds_alike_alone_and_in_a_batch(self, embedder: Embedder) -> None:
        batch = embedder.embed_documents(self.texts)
        alone = np.vstack([embedder.embed_documents([text]) for text in self.texts])
        cosines = _cosines(batch, alone)
        assert (cosines >= self.batch_min_cosine).all(), cosines
        # each text stays nearest itself: no rows swapped
        assert list((batch @ alone.T).argmax(axis=1)) == list(range(len(self.texts)))

    def test_a_query_lands_nearest_its_own_text(self, embedder: Embedder) -> None:
        """Queries and documents share one space (a query instruction must not leave it)."""
        docs = embedder.embed_documents([self.relevant, self.unrelated, self.paraphrase])
        sims = docs @ embedder.embed_query(self.relevant)
        assert sims.argmax() == 0, sims

    def test_a_question_is_nearer_its_answer_than_unrelated_text(self, embedder: Embedder) -> None:
        docs = embedder.embed_documents([self.unrelated, self.relevant])
        sims = docs @ embedder.embed_query(self.query)
        assert sims[1] > sims[0], sims

    def test_related_passages_are_nearer_each_other_than_unrelated_ones(
        self, embedder: Embedder
    ) -> None:
        relevant, paraphrase, unrelated = embedder.embed_documents(
            [self.relevant, self.paraphrase, self.unrelated]
        )
        assert float(relevant @ paraphrase) > float(relevant @ unrelated)

    def test_token_counts_grow_with_the_text_and_are_not_truncated(
        self, embedder: Embedder
    ) -> None:
        """Chunk sizes come from these counts, so a count capped at the model's input limit
        would make chunks the model then truncates."""
        one = embedder.count_tokens(self.relevant)
        assert one > 0
        assert embedder.count_tokens(f"{self.relevant} {self.unrelated}") > one
        assert embedder.count_tokens(" ".join(["harbour"] * 1000)) >= 1000
