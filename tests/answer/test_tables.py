"""Tables read as tables: rows with their header, the scale carried, aggregates computed."""

from __future__ import annotations

from sourcewise.core.answer import tables
from sourcewise.core.answer.evidence import EvidenceSelector
from sourcewise.core.testing import OverlapReranker
from sourcewise.core.types import SearchHit

BUDGET = (
    "Departments\n"
    "| Department | Budget 2025 (EUR) | Headcount | Owner |\n"
    "| --- | --- | --- | --- |\n"
    "| Marketing | 420000 | 6 | Lena Vogt |\n"
    "| Engineering | 1150000 | 14 | Tom Berger |\n"
    "| Sales | 610000 | 9 | Aisha Khan |\n"
    "| Facilities | 185000 | 2 | Marco Rossi |\n"
    "| HR | 240000 | 3 | Julia Chen |"
)
STATEMENT = (
    "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (Unaudited) (In millions)\n\n"
    "Three Months Ended Nine Months Ended\nJuly 1, 2023 June 25, 2022\n"
    "| Products | $ | 60,584 | $ | 63,355 |\n"
    "| --- | --- | --- | --- | --- |\n"
    "| Services | 21,213 |  | 19,604 |  |\n"
    "| Gross margin | 36,413 |  | 35,885 |  |"
)
REMOTE = (
    "Employees may work remotely up to three days per week, unless their role is listed below.\n"
    "| Role | Remote days per week | Core hours |\n"
    "| --- | --- | --- |\n"
    "| Software engineer | 3 | 10:00-15:00 |\n"
    "| Support agent | 2 | 08:00-17:00 |"
)


def _hit(text: str, path: str = "/d/budget.xlsx") -> SearchHit:
    return SearchHit(rank=1, score=1.0, path=path, page=1, chunk_id=1, heading="", text=text,
                     start=0, end=len(text), document_id=1, kind="table")  # fmt: skip


def _select(question: str, text: str, budget: int = 200) -> str:
    selector = EvidenceSelector(OverlapReranker(), lambda t: len(t.split()),
                                budget_tokens=budget, margin=2.0)  # fmt: skip
    return "\n".join(ev.text for ev in selector.select(question, [_hit(text)]))


def test_a_header_names_columns_and_a_first_data_row_does_not() -> None:
    assert tables.is_header(["Role", "Remote days per week", "Core hours"])
    assert tables.is_header(["", "2023", "2022"])  # years are column names
    assert not tables.is_header(["Products", "$", "60,584", "$", "63,355"])


def test_a_docx_table_row_is_read_with_its_column_names() -> None:
    text = _select("How many days per week may a support agent work remotely?", REMOTE)
    assert "Role: Support agent; Remote days per week: 2; Core hours: 08:00-17:00" in text


def test_a_statement_row_keeps_its_scale_and_column_labels() -> None:
    text = _select("What was the gross margin?", STATEMENT.replace("Nine Months Ended\n", "\n"))
    assert "Gross margin — Three Months Ended July 1, 2023: 36,413; Three Months Ended June 25, " \
           "2022: 35,885 (in millions)" in text  # fmt: skip
    unlabelled = _select("What was the gross margin?", STATEMENT.replace("June 25, 2022", ""))
    assert "Gross margin | 36,413 | 35,885 (in millions)" in unlabelled  # one date, two figures
    assert "Columns: Three Months Ended Nine Months Ended July 1, 2023" in unlabelled


TEN_Q = (
    "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (Unaudited) (In millions)\n\n"
    "Three Months Ended Nine Months Ended\nJuly 1,\n2023 June 25,\n2022 July 1,\n"
    "2023 June 25,\n2022 Net sales:\n"
    "| Products | $ | 60,584 | $ | 63,355 | $ | 230,901 | $ | 245,241 |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| Services | 21,213 |  | 19,604 |  | 62,886 |  | 58,941 |  |\n"
    "| Gross margin | 36,413 |  | 35,885 |  | 128,721 |  | 132,687 |  |"
)


def test_a_statements_columns_are_its_periods_over_its_dates() -> None:
    labels = (
        "Three Months Ended Nine Months Ended July 1, 2023 June 25, 2022 July 1, 2023 June 25, 2022"
    )
    assert tables.period_columns(labels) == [
        "Three Months Ended July 1, 2023", "Three Months Ended June 25, 2022",
        "Nine Months Ended July 1, 2023", "Nine Months Ended June 25, 2022",
    ]  # fmt: skip
    amazon = "STATEMENTS OF OPERATIONS (in millions) Three Months Ended March 31, 2022 2023"
    assert tables.period_columns(amazon) == [
        "Three Months Ended March 31, 2022", "Three Months Ended March 31, 2023"]  # fmt: skip
    assert tables.period_columns("Net sales by category:") == []


def test_the_quarter_comes_first_whichever_label_the_pdf_gives_first() -> None:
    """Amazon's 10-Q PDFs give "Nine Months Ended" before "Three Months Ended", though the
    quarter's columns come first; read in that order, (2,607) for nine months was the quarter."""
    labels = ("Operating income (loss) by segment is as follows (in millions): Nine Months Ended "
              "Three Months Ended September 30, September 30, 2022 2023 2022 2023")  # fmt: skip
    assert tables.period_columns(labels) == [
        "Three Months Ended 2022", "Three Months Ended 2023",
        "Nine Months Ended 2022", "Nine Months Ended 2023",
    ]  # fmt: skip
    weeks = "26 Weeks Ended 13 Weeks Ended Jan 1, 2023 Jan 2, 2022 Jan 1, 2023 Jan 2, 2022"
    assert tables.period_columns(weeks)[0] == "13 Weeks Ended Jan 1, 2023"


# Apple's MD&A table as PyMuPDF reads it: a date's lines set apart (one "2023" lost its
# "July 1,"), and a change column after each period's dates.
MDA = (
    "The following table shows net sales by category (dollars in millions):\n\n"
    "Three Months Ended Nine Months Ended\n\nJuly 1,\n\nJuly 1,\n\n2023 June 25,\n\n"
    "2022 Change\n\n2023 June 25,\n2022 Change\n"
    "| Net sales by category: iPhone | $ | 39,669 | $ | 40,665 | (2)% |  | $ | 156,778 | $ | "
    "162,863 | (4)% |  |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| Mac | 6,840 |  | 7,382 |  | (7)% |  | 21,743 |  | 28,669 |  | (24)% |  |\n"
    "| Services | 21,213 |  | 19,604 |  | 8 | % | 62,886 |  | 58,941 |  | 7 | % |"
)


def test_change_columns_and_a_date_set_apart_still_read_under_their_periods() -> None:
    labels = ("Three Months Ended Nine Months Ended July 1, July 1, 2023 June 25, 2022 Change "
              "2023 June 25, 2022 Change")  # fmt: skip
    assert tables.period_columns(labels) == [
        "Three Months Ended July 1, 2023", "Three Months Ended June 25, 2022",
        "Three Months Ended change", "Nine Months Ended July 1, 2023",
        "Nine Months Ended June 25, 2022", "Nine Months Ended change",
    ]  # fmt: skip
    question = "How did Services net sales change in the third quarter of fiscal 2023?"
    quarter = _select(question, MDA)
    assert "Services — Three Months Ended July 1, 2023: 21,213; Three Months Ended June 25, " \
           "2022: 19,604; Three Months Ended change: 8%" in quarter  # fmt: skip
    assert "62,886" not in quarter  # the nine-month figure the model gave before
    # Asked for the figure alone, its row is read in the quarter's column.
    figure = _select("What were Services net sales in the third quarter of fiscal 2023?", MDA)
    assert figure.startswith("From the statements (Three Months Ended July 1, 2023): Services = "
                             "21,213 million")  # fmt: skip
    assert "62,886" not in figure


def test_only_the_period_the_question_asks_about_is_shown() -> None:
    quarter = _select("What were Services net sales?", TEN_Q)  # no period named: the quarter
    assert "Services — Three Months Ended July 1, 2023: 21,213; Three Months Ended June 25, " \
           "2022: 19,604 (in millions)" in quarter  # fmt: skip
    assert "62,886" not in quarter
    nine = _select("What were Services net sales in the first nine months of 2023?", TEN_Q)
    assert "Nine Months Ended July 1, 2023: 62,886" in nine and "21,213" not in nine


def test_a_statements_first_row_is_evidence_too() -> None:
    # A PDF statement's first row is data, not a header: it is scored like the others.
    text = _select("What were Products net sales?", TEN_Q)
    assert text.count("Products — Three Months Ended July 1, 2023: 60,584") == 1


def test_a_column_year_gets_no_scale() -> None:
    evidence = ["Total net sales — Three Months Ended March 31, 2023: 127,358 (in millions)"]
    answer = tables.carry_scale("Net sales in Q1 2023 were $127,358 [1].", evidence)
    assert answer == "Net sales in Q1 2023 were $127,358 million [1]."


def test_a_scaled_number_in_the_answer_gets_its_unit() -> None:
    evidence = ["Gross margin | 36,413 | 35,885 (in millions)"]
    answer = tables.carry_scale("The gross margin was $36,413 [1].", evidence)
    assert answer == "The gross margin was $36,413 million [1]."
    said = "The gross margin was $36,413 million [1]."
    assert tables.carry_scale(said, evidence) == said  # a scale already given is kept
    assert tables.carry_scale("It rose 3 points [1].", evidence) == "It rose 3 points [1]."


def test_the_smallest_and_the_total_of_a_small_sheet_are_computed() -> None:
    smallest = _select("Which department has the smallest budget?", BUDGET)
    assert "smallest Budget 2025 (EUR): Facilities (185,000)" in smallest
    assert "Department: Facilities" in smallest  # the whole sheet was read
    total = _select("What is the total budget across all departments?", BUDGET)
    assert "total Budget 2025 (EUR) of the 5 rows: 2,605,000" in total
    largest = _select("Which department has the largest headcount?", BUDGET)
    assert "largest Headcount: Engineering (14)" in largest


def test_no_aggregate_for_a_plain_question_or_a_column_it_cannot_name() -> None:
    assert "Computed" not in _select("Who owns the Sales budget?", BUDGET)
    table = tables.parse(BUDGET)
    assert table is not None
    assert tables.aggregates("Which one is the largest?", table) == ""  # two numeric columns


def test_total_rows_are_not_counted_twice() -> None:
    table = tables.parse("| Item | Cost |\n|---|---|\n| A | 10 |\n| B | 5 |\n| Total | 15 |")
    assert table is not None
    assert tables.aggregates("What is the total cost?", table).endswith("of the 2 rows: 15.")


def test_the_row_the_question_names_is_shown_with_the_row_above_it_only() -> None:
    owner = _select("Who owns the Sales budget?", BUDGET)
    assert "Department: Sales; Budget 2025 (EUR): 610000; Headcount: 9; Owner: Aisha Khan" in owner
    assert "Tom Berger" in owner  # the row above, to compare with
    assert "Julia Chen" not in owner and "Lena Vogt" not in owner and "Marco Rossi" not in owner


def test_a_row_named_by_its_lower_case_label_is_picked() -> None:
    policy = ("| Role | Remote days per week |\n|---|---|\n| Software engineer | 3 |\n"
              "| Support agent | 2 |\n| Warehouse staff | 0 |")  # fmt: skip
    chosen = _select("How many remote days may a support agent take per week?", policy)
    assert "Role: Support agent; Remote days per week: 2" in chosen
    assert "Warehouse staff" not in chosen


def test_the_smallest_is_shown_as_its_row_beside_the_computed_line() -> None:
    smallest = _select("Which department has the smallest budget?", BUDGET)
    assert smallest.startswith("Computed over the whole table: smallest Budget 2025 (EUR): "
                               "Facilities (185,000).")  # fmt: skip
    assert "Department: Facilities;" in smallest
    assert "Marketing" not in smallest and "Engineering" not in smallest


def test_no_aggregate_over_a_table_whose_columns_the_question_does_not_name() -> None:
    limits = ("| Role | Single expense limit (EUR) | Approver |\n|---|---|---|\n"
              "| Employee | 500 | Team lead |\n| Team lead | 2,500 | Department head |")  # fmt: skip
    table = tables.parse(limits)
    assert table is not None
    assert tables.aggregates("Which department has the smallest budget?", table) == ""
    assert "smallest Single expense limit (EUR): Employee" in tables.aggregates(
        "Which role has the smallest expense limit?", table
    )


def test_the_scale_an_exception_names_is_not_the_tables() -> None:
    from sourcewise.core.text.scale import scale_of

    caption = ("CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (Unaudited) (In millions, except "
               "number of shares, which are reflected in thousands, and per-share amounts)")  # fmt: skip
    assert scale_of(caption) == "in millions"
    assert scale_of("Balance sheet (in thousands)") == "in thousands"
    # 10-K captions write the unit alone in brackets, or with a currency sign.
    assert [scale_of(c) for c in ("(Millions)", "(Millions, except per share amounts)",
                                  "($ millions)", "(in $ millions)", "(Thousands of dollars)")] == [
        "in millions", "in millions", "in millions", "in millions", "in thousands"]  # fmt: skip
    assert scale_of("Billions of dollars were spent on the plant.") == ""  # prose names no scale


def test_a_percent_cell_joins_its_figure() -> None:
    row = ["Effective tax rate", "12.5", "%", "15.7", "%"]
    columns = ["Three Months Ended July 1, 2023", "Three Months Ended June 25, 2022"]
    assert tables.row_text(None, row, "", columns) == (
        "Effective tax rate — Three Months Ended July 1, 2023: 12.5%; "
        "Three Months Ended June 25, 2022: 15.7%"
    )


INTEL_TAX = (
    "Provision for (Benefit from) Taxes\n\n"
    "| (In Millions) |  | Q3 2023 |  | Q3 2022 |  | YTD 2023 |  | YTD 2022 |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| Income (loss) before taxes | $ | (52) | $ | (188) | $ | (2,026) | $ | 8,564 |\n"
    "| Effective tax rate |  | 696.2 % |  | 642.0 % |  | 51.4 % |  | (1.3)% |"
)


def test_a_statement_with_a_header_shows_the_period_asked_about() -> None:
    latest = _select("What was Intel's effective tax rate in the most recent 10-Q?", INTEL_TAX)
    assert "Q3 2023: 696.2 %; Q3 2022: 642.0 %" in latest and "51.4" not in latest
    ytd = _select("What was Intel's effective tax rate year to date?", INTEL_TAX)
    assert "YTD 2023: 51.4 %" in ytd and "696.2" not in ytd
    # a table that states no scale is not a statement: every column stays
    sheet = "| Department | Q1 budget | Annual budget |\n| --- | --- | --- |\n| Sales | 10 | 40 |"
    assert "Q1 budget: 10; Annual budget: 40" in _select("What is the Sales budget?", sheet)
