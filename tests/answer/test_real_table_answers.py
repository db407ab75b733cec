"""Table answers on the real default models (``-m real``): a DOCX table row under a prose rule
that says otherwise, and the smallest row of a sheet, are answered and cited, not declined."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.types import Answer
from tests.answer.table_fixtures import write_folder
from tests.answer.test_real_answer import _models_dir

pytestmark = pytest.mark.real


def test_a_table_row_and_a_sheets_smallest_row_are_answered(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "docs")
    engine = build_engine(Settings(home=tmp_path / "home", models_dir=_models_dir(),
                                   index={"parse_mode": "thread"}))  # fmt: skip
    try:
        engine.library.index([folder])
        row = engine.answers.ask("How many days per week may a support agent work remotely?")
        smallest = engine.answers.ask("Which department has the smallest budget?")
    finally:
        engine.close()
    assert not row.abstained, row.reason
    assert "2" in row.answer.replace("2025", "") or "two" in row.answer.lower(), row.answer
    assert "three" not in row.answer.lower(), row.answer  # the prose rule's default, not the row
    assert row.citations[0].path.endswith("remote-work-policy.docx")
    assert not smallest.abstained, smallest.reason
    assert "Facilities" in smallest.answer, smallest.answer
    assert any(c.path.endswith("budget-2025.xlsx") for c in smallest.citations)


def test_a_german_question_gets_a_german_answer(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "sommerfest.md").write_text(
        "# Sommerfest 2025\n\nDas diesjährige Sommerfest findet am 12. Juli 2025 im Stadtpark "
        "Hamburg statt. Beginn ist um 16 Uhr, für Essen und Getränke ist gesorgt.\n",
        encoding="utf-8",
    )
    engine = build_engine(Settings(home=tmp_path / "home", models_dir=_models_dir(),
                                   index={"parse_mode": "thread"}))  # fmt: skip
    try:
        engine.library.index([folder])
        answer = engine.answers.ask("Wann findet das Sommerfest statt?")
    finally:
        engine.close()
    assert not answer.abstained, answer.reason
    assert "12. Juli 2025" in answer.answer, answer.answer  # the date whole, as the note says
    words = set(answer.answer.lower().replace(".", " ").split())
    assert words & {"das", "findet", "am", "im", "statt"}, answer.answer  # German, not English


STATEMENT = """# Globex Corp. Condensed Statements of Operations (in millions)

| | Three Months Ended September 30, 2023 | Three Months Ended September 30, 2022 |
|---|---|---|
| Total net sales | 143,083 | 127,101 |
| Operating expenses | 131,895 | 124,576 |
| Operating income | 11,188 | 2,525 |
| Net income | 9,879 | 2,872 |

## Segment information (in millions)

| | Three Months Ended September 30, 2023 | Three Months Ended September 30, 2022 |
|---|---|---|
| North America net sales | 87,887 | 78,843 |
| North America operating income | 4,307 | (412) |
"""


def _answers(tmp_path: Path, name: str, text: str, *questions: str) -> list[Answer]:
    """The answers to ``questions`` over one Markdown report ``name`` holding ``text``."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    engine = build_engine(Settings(home=tmp_path / "home", models_dir=_models_dir(),
                                   index={"parse_mode": "thread"}))  # fmt: skip
    try:
        engine.library.index([folder])
        return [engine.answers.ask(q) for q in questions]
    finally:
        engine.close()


def test_a_ratio_is_computed_and_a_statement_figure_read_from_its_period(tmp_path: Path) -> None:
    # The 1.5B model gave "4.307%" (a segment's operating income) for the margin, computed.
    margin, income = _answers(
        tmp_path, "globex-q3-2023.md", STATEMENT,
        "What was Globex's operating margin for the three months ended September 30, 2023?",
        "What was Globex's net income for the three months ended September 30, 2023?",
    )  # fmt: skip
    assert not margin.abstained and "7.8%" in margin.answer, margin.answer
    assert margin.citations and margin.citations[0].path.endswith("globex-q3-2023.md")
    assert not income.abstained and "9,879" in income.answer, income.answer


STATEMENTS = """# Initech Corp. Condensed Statements of Cash Flows (in millions)

| | Three Months Ended September 30, 2023 | Three Months Ended September 30, 2022 |
|---|---|---|
| Net cash provided by operating activities | 21,217 | 11,404 |
| Purchases of property and equipment | (12,479) | (16,378) |
| Net cash used in financing activities | (8,948) | 3,016 |

# Initech Corp. Condensed Balance Sheets (in millions)

| | September 30, 2023 | December 31, 2022 |
|---|---|---|
| Total current assets | 142,995 | 146,791 |
| Total current liabilities | 145,214 | 155,393 |
"""


def test_a_metric_defined_or_named_is_worked_out_from_the_statements(tmp_path: Path) -> None:
    # The 1.5B model gave a trailing-twelve-months figure, and the total current assets for
    # a working capital of -2,219, before these were worked out.
    fcf, working = _answers(
        tmp_path, "initech-q3-2023.md", STATEMENTS,
        "What was Initech's free cash flow for the three months ended September 30, 2023? Free "
        "cash flow is defined as net cash provided by operating activities less purchases of "
        "property and equipment.",
        "What was Initech's working capital as of September 30, 2023?",
    )  # fmt: skip
    assert not fcf.abstained and "8,738" in fcf.answer, fcf.answer  # 21,217 - 12,479
    assert not working.abstained and "2,219" in working.answer, working.answer
