"""One hit per page, exact page numbers, and match strengths a person can read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.ingest.page_marks import marks_for
from sourcewise.core.retrieve.hits import collapse
from sourcewise.core.retrieve.pages import best_sentence, matched_page
from sourcewise.core.retrieve.strength import ORDER, STRONG_MARGIN, strength
from sourcewise.core.types import SearchHit
from tests import fakes
from tests.engine.conftest import fake_engine

SECTION = (
    "The pump station inspection covered the intake screens, the valves and the pressure "
    "sensors. Inspectors recorded the readings of every sensor and compared them with the "
    "limits set in the maintenance manual, noting which readings were out of range."
)


def _pdf(path: Path, pages: list[str]) -> Path:
    doc = pymupdf.open()
    for text in pages:
        doc.new_page().insert_textbox(pymupdf.Rect(72, 72, 540, 760), text, fontsize=10)
    doc.save(path)
    return path


def test_two_chunks_of_one_page_collapse_to_one_hit(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _pdf(folder / "inspection.pdf", [f"{SECTION}\n\n{SECTION} The valves were greased."])
    engine = fake_engine(tmp_path / "home", chunk_tokens=40, chunk_overlap=0)
    engine.library.index([folder])
    assert engine.library.status().chunks >= 2  # small chunks: the page is cut in several
    hits = engine.library.search("pump station inspection sensor readings", k=5)
    assert [(Path(h.path).name, h.page) for h in hits] == [("inspection.pdf", 1)]
    engine.close()


def test_a_pages_table_and_its_prose_are_two_hits() -> None:
    def hit(chunk_id: int, text: str, kind: str) -> SearchHit:
        return SearchHit(rank=chunk_id, score=1.0, path="/r/10-Q.pdf", page=19, chunk_id=chunk_id,
                         heading="", text=text, start=0, end=len(text), document_id=1, kind=kind)  # fmt: skip

    prose = hit(1, "iPhone net sales decreased during the quarter.", "text")
    more = hit(2, "Mac net sales decreased.", "text")
    table = hit(3, "| iPhone | 39,669 | 40,665 |", "table")
    assert [h.chunk_id for h in collapse([prose, more, table])] == [1, 3]


def test_a_hit_is_labelled_with_the_page_of_its_matching_sentence(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    # Page 1 is too short to be a chunk of its own, so one chunk spans pages 1-2.
    _pdf(folder / "memo.pdf", ["Internal memo.", "The zebra-lantern protocol number is 4712."])
    engine.library.index([folder])
    hit = engine.library.search("zebra-lantern protocol number", k=1)[0]
    assert hit.pages == [1, 2]
    assert hit.page == 2


def test_page_marks_locate_sentences_within_a_chunk() -> None:
    text = "Revenue rose. Costs fell sharply.\n\nCapital expenditure was 210."
    starts = [(100, 4), (114, 4), (135, 5)]  # blocks at these document offsets, pages 4, 4, 5
    marks = marks_for(starts, 100, 100 + len(text))
    assert marks == "0:4 35:5"
    assert matched_page(text, marks, ["capital", "expenditures"], 4) == 5
    assert matched_page(text, marks, ["costs"], 4) == 4
    assert matched_page(text, marks, ["unrelated"], 4) == 4  # nothing matches: first page


def test_strength_labels_are_ordered_by_score() -> None:
    scores = [-12.0, -0.1, 0.0, 1.5, STRONG_MARGIN - 0.01, STRONG_MARGIN, 9.0]
    labels = [strength(s, abstain_below=0.0) for s in scores]
    assert labels == ["weak", "weak", "partial", "partial", "partial", "strong", "strong"]
    ranks = [ORDER.index(label) for label in labels]
    assert ranks == sorted(ranks, reverse=True)  # a higher score never reads weaker
    assert strength(None, 0.0) == "unrated"
    assert strength(1.0, abstain_below=2.0) == "weak"  # follows the abstention threshold


class _FixedReranker:
    """Scores passages by a keyword, with a spread across the labels."""

    def warm_up(self) -> None: ...

    def score(self, query: str, passages: list[str]) -> np.ndarray:
        return np.array([7.0 if "greased" in p else -5.0 for p in passages], dtype=np.float32)


def test_reranked_hits_carry_their_strength_in_rank_order(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(f"{SECTION} The valves were greased.\n", encoding="utf-8")
    (folder / "b.txt").write_text(f"{SECTION} The screens were cleaned.\n", encoding="utf-8")
    eng = fakes.fake_engine(tmp_path / "home", reranker=_FixedReranker())
    eng.library.index([folder])
    hits = eng.library.search("pump station inspection", k=2)
    assert [h.rank for h in hits] == [1, 2]
    assert [h.strength for h in hits] == ["strong", "weak"]
    assert hits[0].score == pytest.approx(7.0)  # the raw score stays (for --json)
    eng.close()


def test_cli_prints_results_in_rank_order_labelled_not_raw_scores(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.cli.test_index_search_cli import run

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(f"{SECTION} The valves were greased.\n", encoding="utf-8")
    (folder / "b.txt").write_text(f"{SECTION} The screens were cleaned.\n", encoding="utf-8")
    home = tmp_path / "home"
    assert run(capsys, home, "index", str(folder))[0] == 0
    code, out, _ = run(capsys, home, "search", "pump station inspection", "-k", "2")
    heads = [line for line in out.splitlines() if not line.startswith("    ")]
    assert code == 0 and len(heads) == 2
    assert heads[0].startswith(" 1. [unrated] ") and heads[1].startswith(" 2. [unrated] ")


def test_the_best_sentence_of_a_chinese_chunk_is_found_by_its_character_pairs() -> None:
    text = "会议讨论了新版本的发布计划。李强负责制定测试计划，截止日期为3月31日。"
    assert best_sentence(text, ["测试", "计划", "负责"]) == text.index("李强")
