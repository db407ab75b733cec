"""The English cross-encoder reranks only queries it can read (issue 23: chosen on XQuAD)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sourcewise.core.testing import OverlapReranker
from tests import fakes


class Counting(OverlapReranker):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        self.queries.append(query)
        return super().score(query, passages)


def test_a_chinese_query_is_not_reranked_and_still_finds_its_note(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "minutes.md").write_text("# 会议纪要\n\n李强负责制定测试计划，截止日期为3月31日。\n",
                                     encoding="utf-8")  # fmt: skip
    (docs / "depot.md").write_text("# Depot\n\nThe depot opens at six in the morning.\n")
    reranker = Counting()
    engine = fakes.fake_engine(tmp_path / "home", reranker=reranker)
    try:
        engine.library.index([docs])
        hits = engine.library.search("谁负责制定测试计划？", 2)
        english = engine.library.search("When does the depot open?", 2)
    finally:
        engine.close()
    assert hits[0].path.endswith("minutes.md") and "rerank" not in hits[0].scores
    assert reranker.queries == ["When does the depot open?"]
    assert english[0].path.endswith("depot.md")
