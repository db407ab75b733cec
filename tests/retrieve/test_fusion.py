"""Fusion of dense and keyword lists, and the cross-encoder blend (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from sourcewise.core.retrieve import fusion
from tests.fakes import fake_engine

DENSE = {1: 0.90, 2: 0.80, 3: 0.79, 4: 0.10}
KEYWORD = {3: 12.0, 5: 11.0, 1: 2.0}


def test_convex_keeps_margins_that_rank_fusion_throws_away() -> None:
    dense = {1: 0.95, 2: 0.40, 3: 0.39}  # chunk 1 is far ahead in dense
    keyword = {2: 10.0, 1: 9.9, 3: 1.0}  # and a near-tie for first in BM25
    by_score = fusion.fuse("convex", dense, keyword, (1.0, 1.0), 60)
    by_rank = fusion.fuse("rrf", dense, keyword, (1.0, 1.0), 60)
    assert by_score[0][0] == 1
    assert by_rank[0][1] == pytest.approx(by_rank[1][1])  # RRF sees a tie between 1 and 2


def test_convex_weights_select_one_list() -> None:
    only_dense = fusion.fuse("convex", DENSE, KEYWORD, (1.0, 0.0), 60)
    assert [c for c, _ in only_dense][:4] == [1, 2, 3, 4]
    only_keyword = fusion.fuse("convex", DENSE, KEYWORD, (0.0, 1.0), 60)
    assert [c for c, _ in only_keyword][:3] == [3, 5, 1]


def test_a_missing_chunk_takes_the_lists_floor_not_its_mean() -> None:
    fused = dict(fusion.fuse("convex", DENSE, KEYWORD, (1.0, 1.0), 60))
    z_kw = dict(zip(KEYWORD, fusion.zscores(list(KEYWORD.values())), strict=True))
    z_dense = dict(zip(DENSE, fusion.zscores(list(DENSE.values())), strict=True))
    assert fused[2] == pytest.approx(0.5 * z_dense[2] + 0.5 * min(z_kw.values()))
    assert fused[5] == pytest.approx(0.5 * min(z_dense.values()) + 0.5 * z_kw[5])
    assert set(fused) == {1, 2, 3, 4, 5}


def test_one_empty_list_leaves_the_other_in_order() -> None:
    fused = fusion.fuse("convex", DENSE, {}, (1.0, 1.0), 60)
    assert [c for c, _ in fused] == [1, 2, 3, 4]
    assert fusion.fuse("convex", {}, {}, (1.0, 1.0), 60) == []
    assert [c for c, _ in fusion.fuse("rrf", {}, KEYWORD, (1.0, 1.0), 60)] == [3, 5, 1]


def test_rrf_scores_are_weighted_reciprocal_ranks() -> None:
    fused = dict(fusion.fuse("rrf", DENSE, KEYWORD, (2.0, 1.0), 10))
    assert fused[3] == pytest.approx(2.0 / 13 + 1.0 / 11)
    assert fused[5] == pytest.approx(1.0 / 12)


def test_blend_runs_from_fused_order_to_cross_encoder_order() -> None:
    rerank = [0.1, 5.0, -3.0]
    fused = [0.9, 0.5, 0.7]
    assert list(np.argsort(-fusion.blend(rerank, fused, 1.0))) == [1, 0, 2]
    assert list(np.argsort(-fusion.blend(rerank, fused, 0.0))) == [0, 2, 1]
    # Only the shape of each list matters, not its scale.
    scaled = fusion.blend([10 * r for r in rerank], [3 * f for f in fused], 0.4)
    assert np.allclose(scaled, fusion.blend(rerank, fused, 0.4))


def test_zscores_of_constant_or_empty_lists_are_zero() -> None:
    assert fusion.zscores([2.0, 2.0]).tolist() == [0.0, 0.0]
    assert fusion.zscores([]).size == 0


def test_search_blends_the_rerank_score_with_the_fused_score(tmp_path: Path) -> None:
    class PrefersLast:
        """Scores the fused list's last candidate far above the rest."""

        def warm_up(self) -> None:
            """Nothing to load."""

        def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
            return np.asarray([10.0 if "omega" in p else 0.0 for p in passages], dtype=np.float32)

    root = tmp_path / "docs"
    root.mkdir()
    for i, extra in enumerate(["alpha alpha alpha", "alpha alpha", "alpha omega"]):
        (root / f"n{i}.txt").write_text(f"Note about {extra} topics.")
    engine = fake_engine(tmp_path / "home", reranker=PrefersLast())
    engine.library.index([root])
    retrieval = engine.settings.retrieval
    retrieval.rerank_skip_confident = False
    retrieval.rerank_weight = 1.0  # the cross-encoder alone decides
    top = engine.library.search("alpha", k=3)
    assert top[0].path.endswith("n2.txt") and top[0].score == 10.0
    retrieval.rerank_weight = 0.0  # the fused order is kept; scores still carry the rerank
    top = engine.library.search("alpha", k=3)
    assert not top[0].path.endswith("n2.txt")
    assert {h.scores["rerank"] for h in top} == {0.0, 10.0}
    engine.close()


def test_a_complete_keyword_list_of_one_gives_its_match_credit() -> None:
    """A keyword list of one element has no spread, so z-scoring it alone gives the only file
    holding "819911" a z of 0: dense noise then decides (issue 13, item 9)."""
    rng = np.random.default_rng(0)
    dense = {cid: float(v) for cid, v in enumerate(rng.normal(0.5, 0.05, 200))}
    dense[500] = 0.45  # the exact match reads as noise to a dense model
    keyword = {500: 7.3}
    truncated = fusion.fuse("convex", dense, keyword, (1.0, 1.0), 60)
    assert truncated[0][0] != 500  # read as a cut-off list, the match is no better than absent
    complete = fusion.fuse("convex", dense, keyword, (1.0, 1.0), 60, keyword_complete=True)
    assert complete[0][0] == 500


def test_a_complete_keyword_list_scores_absent_chunks_below_every_match() -> None:
    dense = {1: 0.9, 2: 0.5, 3: 0.4, 4: 0.3}
    keyword = {3: 5.0, 4: 4.0}
    fused = dict(fusion.fuse("convex", dense, keyword, (1.0, 1.0), 60, keyword_complete=True))
    z_kw = fusion.zscores([5.0, 4.0, 0.0, 0.0])
    z_dense = dict(zip(dense, fusion.zscores(list(dense.values())), strict=True))
    assert fused[1] == pytest.approx(0.5 * z_dense[1] + 0.5 * z_kw[2])
    assert fused[4] == pytest.approx(0.5 * z_dense[4] + 0.5 * z_kw[1])
