"""The statement figures a question names without asking for one: set out before the passages."""

from __future__ import annotations

from sourcewise.core.answer import guard, named_figures, operands
from sourcewise.core.answer.line_items import Row
from tests.answer.table_fixtures import first_evidence_line

COMPARED = (
    "How did Apple's operating expenses for Q1 2023 compare to its revenue for the same quarter?"
)
Q1 = "Three Months Ended December 31, 2022"
APPLE = (
    "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (In millions)\n\n"
    f"| | {Q1} | Three Months Ended December 25, 2021 |\n"
    "| --- | --- | --- |\n"
    "| Total net sales | 117,154 | 123,945 |\n"
    "| Total cost of sales | 66,822 | 69,702 |\n"
    "| Total operating expenses | 14,316 | 12,755 |\n"
    "| Operating income | 36,016 | 41,488 |\n"
)


def test_every_line_item_a_question_names_is_found_once() -> None:
    assert named_figures.concepts(COMPARED) == ["operating expenses", "revenue"]
    # The longer name only: "net sales" is not also "sales"; analysts' words count.
    assert named_figures.concepts("How did net sales relate to opex?") == [
        "revenue",
        "operating expenses",
    ]
    assert named_figures.concepts("What did the CEO say about hiring?") == []


def test_only_questions_after_no_one_figure_and_no_reason_set_figures_out() -> None:
    assert named_figures.asked(COMPARED) == ["operating expenses", "revenue"]
    # One figure is read from its row elsewhere; a "why" wants the explanation's words.
    assert named_figures.asked("What was Apple's total net sales in Q1 2023?") == []
    assert named_figures.asked("Why did Amazon's net income rise in Q3 2023?") == []


def test_the_named_figures_open_the_evidence_in_the_period_asked() -> None:
    assert first_evidence_line(COMPARED, APPLE) == (
        f"From the statements: Total operating expenses ({Q1}) = 14,316 million; "
        f"Total net sales ({Q1}) = 117,154 million. Total operating expenses (14,316 million) "
        "are 12.2% of Total net sales (117,154 million)."
    )


def test_a_row_of_the_year_asked_comes_before_a_notes_row_of_another_year() -> None:
    # Intel's divestiture note lists "Inventories" of December 2021 beside its inventory
    # note's "Total inventories" of the quarter asked.
    note = Row("Inventories", {"Dec 29, 2021": 941.0}, "in millions", (0, 0, 0))
    own = Row("Total inventories", {"Oct 1, 2022": 12831.0}, "in millions", (1, 0, 0))
    question = "What insights into inventory management could be gleaned from Intel's Q3 2022 inventory levels?"
    found = named_figures.line(question, [note, own])
    assert found is not None
    assert found[0] == "From the statements: Total inventories (Oct 1, 2022) = 12,831 million."
    # A column whose header was read as figures ("7 6,607") names no period: not read.
    garbled = Row("Total operating expenses", {"7 6,607": 14316.0}, "in millions", (0, 0, 0))
    assert named_figures.line(COMPARED, [garbled]) is None


def test_each_named_line_items_statement_is_searched_for() -> None:
    assert operands.queries(COMPARED) == [
        ("operating expenses Q1 2023", "operating expenses"),
        ("total net sales Q1 2023", "revenue"),
    ]


def test_a_scale_said_twice_is_said_once() -> None:
    said = "Intel's Q3 2022 inventory levels were 12,831 million million. [1]"
    assert guard.undouble_scale(said) == "Intel's Q3 2022 inventory levels were 12,831 million. [1]"
    assert guard.undouble_scale("which is 1,200 million in millions. [1]") == (
        "which is 1,200 million. [1]"
    )
    assert guard.undouble_scale("2 million and 3 billion") == "2 million and 3 billion"
    assert guard.undouble_scale("the millions of users") == "the millions of users"


def test_a_question_naming_a_row_of_its_own_gets_no_total() -> None:
    # "Apple's iPhone sales": its total net sales is not what it asks about.
    iphone = Row("Net sales by category: iPhone", {Q1: 65775.0}, "in millions", (0, 0, 0))
    total = Row("Total net sales", {Q1: 117154.0}, "in millions", (0, 0, 0))
    question = "How did Apple's iPhone sales develop in Q1 2023?"
    assert named_figures.line(question, [iphone, total]) is None


def test_the_figures_and_share_a_reply_leaves_out_are_what_is_left_to_say() -> None:
    line = first_evidence_line(COMPARED, APPLE)
    evidence = f"{line}\nTotal net sales — {Q1}: 117,154"
    figures, share = line.split(". Total operating expenses (")
    # The share alone (the 1.5B model's reply): the figures are left to say.
    assert named_figures.unsaid("Operating expenses were 12.2% of revenue [1].", evidence) == [
        figures + "."
    ]
    # The figures alone, in another scale: the share is left to say.
    assert named_figures.unsaid("Opex was $14.3 billion against $117.2 billion [1].", evidence) == [
        "Total operating expenses (" + share
    ]
    both = "Opex of 14,316 million was 12% of net sales of 117,154 million [1]."
    assert named_figures.unsaid(both, evidence) == []
    # Only evidence that opens with the figure line has anything to add.
    assert named_figures.unsaid("Higher.", "Total net sales — Q1: 117,154") == []
