"""A figure broken down into its parts (issue 22): revenue by product group and by segment, read
from the rows that add up to its total, in the period asked, as Amazon's 10-Q sets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.answer import breakdowns
from sourcewise.core.testing import ScriptedChatModel
from sourcewise.core.types import AskOptions
from tests.answer.conftest import fake_engine
from tests.answer.table_fixtures import first_evidence_line

_LABELS = (
    "Nine Months Ended\nThree Months Ended\nSeptember 30,\nSeptember 30,\n2022 2023 2022 2023\n"
)
# Amazon's Q3 2023 net sales by product group, as the PDF parser writes the table.
PRODUCTS = (
    "Net sales by groups of similar products and services, which also have similar economic "
    "characteristics, is as follows (in millions):\n\n" + _LABELS
    + "| Net Sales: Online stores (1) | $ | 53,489 | $ | 57,267 | $ | 155,473 | $ | 161,329 |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| Physical stores (2) | 4,694 |  | 4,959 |  | 14,006 |  | 14,878 |  |\n"
    "| Third-party seller services (3) | 28,666 |  | 34,342 |  | 81,377 |  | 96,494 |  |\n"
    "| Subscription services (4) | 8,903 |  | 10,170 |  | 26,029 |  | 29,721 |  |\n"
    "| Advertising services (5) | 9,548 |  | 12,060 |  | 26,182 |  | 32,252 |  |\n"
    "| AWS | 20,538 |  | 23,059 |  | 58,718 |  | 66,553 |  |\n"
    "| Other (6) | 1,263 |  | 1,226 |  | 2,994 |  | 3,597 |  |\n"
    "| Consolidated | $ | 127,101 | $ | 143,083 | $ | 364,779 | $ | 404,824 |\n"
)  # fmt: skip
# Its segment table: each segment a label alone on its row (no colon), then its own rows.
SEGMENTS = (
    "Information on reportable segments and reconciliation to consolidated net income (loss) "
    "is as follows (in millions):\n\n" + _LABELS
    + "| North America Net sales | $ | 78,843 | $ | 87,887 | $ | 222,517 | $ | 247,314 |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| Operating expenses | 79,255 |  | 83,580 |  | 225,124 |  | 238,898 |  |\n"
    "| Operating income (loss) | $ | (412) | $ | 4,307 | $ | (2,607) | $ | 8,416 |\n"
    "| International |  |  |  |  |  |  |  |  |\n"
    "| Net sales | $ | 27,720 | $ | 32,137 | $ | 83,544 | $ | 90,957 |\n"
    "| Operating expenses | 30,186 |  | 32,232 |  | 89,062 |  | 93,194 |  |\n"
    "| AWS |  |  |  |  |  |  |  |  |\n"
    "| Net sales | $ | 20,538 | $ | 23,059 | $ | 58,718 | $ | 66,553 |\n"
    "| Operating expenses | 15,135 |  | 16,083 |  | 41,082 |  | 49,089 |  |\n"
    "| Consolidated |  |  |  |  |  |  |  |  |\n"
    "| Net sales | $ | 127,101 | $ | 143,083 | $ | 364,779 | $ | 404,824 |\n"
    "| Operating expenses | 124,576 |  | 131,895 |  | 355,268 |  | 381,181 |  |\n"
)  # fmt: skip
# The MD&A's operating income by segment: its "Consolidated" row is no total of revenue.
OPERATING_INCOME = (
    "Operating income (loss) by segment is as follows (in millions):\n\n" + _LABELS
    + "| Operating Income (Loss): North America | $ | (412) | $ | 4,307 | $ | (2,607) | $ | 8,416 |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| International | (2,466) |  | (95) |  | (5,518) |  | (2,237) |  |\n"
    "| AWS | 5,403 |  | 6,976 |  | 17,636 |  | 17,464 |  |\n"
    "| Consolidated | $ | 2,525 | $ | 11,188 | $ | 9,511 | $ | 23,643 |\n"
)  # fmt: skip


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("In Q3 2023, what was the revenue breakdown across Amazon's various service offerings?",
         "revenue"),
        ("What was the reported revenue from Amazon's e-commerce and AWS segments?", "revenue"),
        ("How is operating income split by segment?", "operating income"),
        ("What were Amazon's total net sales in Q3 2023?", None),  # one figure
        ("Which segments does Amazon report?", None),  # no figure named
        ("How did the stock split change net income per share?", None),
    ],
)  # fmt: skip
def test_a_breakdown_is_asked_for_by_its_words(question: str, concept: str | None) -> None:
    assert breakdowns.asked(question) == concept


def test_the_product_groups_that_add_up_to_net_sales_are_the_parts() -> None:
    line = first_evidence_line(
        "In Q3 2023, what was the revenue breakdown across Amazon's various service offerings?",
        PRODUCTS,
    )
    assert line.startswith(
        "From the statements: Revenue (Three Months Ended 2023, 143,083 million in all) by part: "
        "Online stores = 57,267 million (40.0%); Physical stores = 4,959 million (3.5%); "
    ), line
    assert line.endswith("AWS = 23,059 million (16.1%); Other = 1,226 million (0.9%).")


def test_a_segment_tables_sections_are_the_parts() -> None:
    line = first_evidence_line(
        "What was the revenue from Amazon's e-commerce and AWS segments in the three months "
        "ended September 30, 2023?",
        SEGMENTS,
    )
    assert line == (
        "From the statements: Net sales (Three Months Ended 2023, 143,083 million in all) by "
        "part: North America = 87,887 million (61.4%); International = 32,137 million (22.5%); "
        "AWS = 23,059 million (16.1%)."
    )


def test_rows_that_do_not_add_up_or_are_another_line_item_are_no_breakdown() -> None:
    question = "What was the revenue breakdown across Amazon's segments in Q3 2023?"
    wrong = PRODUCTS.replace("| 34,342 |", "| 34,343 |").replace("| 12,060 |", "| 12,070 |")
    assert "by part" not in first_evidence_line(question, wrong)
    # Under a "Consolidated" of 11,188, the segments' operating income is not revenue's parts.
    assert "by part" not in first_evidence_line(question, OPERATING_INCOME)
    line = first_evidence_line("How did operating income break down by segment in Q3 2023?",
                               OPERATING_INCOME)  # fmt: skip
    # Parts of both signs: no shares.
    assert line == (
        "From the statements: Operating income (Three Months Ended 2023, 11,188 million in all) "
        "by part: North America = 4,307 million; International = -95 million; AWS = 6,976 "
        "million."
    )


def test_a_breakdown_is_said_when_the_reply_gives_none_of_its_figures(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    # In Markdown the table is a block of its own, after the column labels' paragraph.
    table = SEGMENTS.replace("2023\n|", "2023\n\n|", 1)
    (folder / "segments.md").write_text(f"# Segment information\n\n{table}", encoding="utf-8")
    model = ScriptedChatModel("Most of Amazon's revenue comes from North America [1].")
    engine = fake_engine(tmp_path / "home", model)
    engine.library.index([folder])
    streamed: list[str] = []
    try:
        answer = engine.answers.ask(
            "How does Amazon's revenue break down by segment in the three months ended "
            "September 30, 2023?",
            AskOptions(on_token=streamed.append),
        )
    finally:
        engine.close()
    said = answer.answer
    assert not answer.abstained, answer.reason
    assert said.startswith("Most of Amazon's revenue comes from North America [1]. "), said
    assert "North America = 87,887 million (61.4%); International = 32,137 million" in said
    assert " ".join("".join(streamed).split()) == said  # what streamed is the answer
    assert answer.citations and answer.citations[0].path.endswith("segments.md")
