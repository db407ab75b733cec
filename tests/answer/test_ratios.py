"""Ratios and shares computed from statement rows: the question's definition, a known ratio,
or the share of revenue a named row brings."""

from __future__ import annotations

from sourcewise.core.answer import ratios, tables
from sourcewise.core.answer.evidence import EvidenceSelector
from sourcewise.core.answer.line_items import Row
from sourcewise.core.answer.ratios import Ratio
from sourcewise.core.testing import OverlapReranker
from sourcewise.core.types import SearchHit
from tests.answer.table_fixtures import first_evidence_line

Q3 = "Three Months Ended September 30, 2023"
Q3_22 = "Three Months Ended September 30, 2022"
AMAZON = (
    "CONSOLIDATED STATEMENTS OF OPERATIONS (in millions)\n\n"
    "Three Months Ended\nSeptember 30,\n2022 2023\n"
    "| Total net sales | 127,101 | 143,083 |\n"
    "| --- | --- | --- |\n"
    "| Operating expenses | 124,576 | 131,895 |\n"
    "| Operating income | 2,525 | 11,188 |\n\n"
    "Segment Information (in millions)\n\nThree Months Ended\nSeptember 30,\n2022 2023\n"
    "| Net sales | 78,843 | 87,887 |\n"
    "| --- | --- | --- |\n"
    "| Operating income (loss) | (412) | 4,307 |"
)


def test_the_ratio_a_question_defines_or_names_is_read() -> None:
    fb = ("What is the FY2015 operating cash flow ratio for Adobe? Operating cash flow ratio is "
          "defined as: cash from operations / total current liabilities.")  # fmt: skip
    assert ratios.asked(fb) == Ratio(
        "operating cash flow ratio", "operating cash flow", "current liabilities", False
    )
    margin = "What is Amazon's operating margin? Operating margin is operating income divided by net sales."
    assert ratios.asked(margin) == Ratio("operating margin", "operating income", "revenue", True)
    turnover = ("What is the FY2019 fixed asset turnover ratio? Fixed asset turnover ratio is defined "
                "as: FY2019 revenue / (average PP&E between FY2018 and FY2019).")  # fmt: skip
    assert ratios.asked(turnover) == Ratio(
        "fixed asset turnover ratio", "revenue", "property, plant and equipment", False, True
    )
    intensity = ("What was Apple's R&D intensity? R&D intensity is defined as research and "
                 "development expense for the three months divided by total net sales.")  # fmt: skip
    assert ratios.asked(intensity) == Ratio(
        "r&d intensity",
        "research and development",
        "revenue",
        True,  # a percentage
    )
    assert ratios.asked("What was Intel's current ratio?") == Ratio(
        "current ratio", "current assets", "current liabilities", False
    )
    share = ratios.asked(
        "What percentage of Apple's total revenue did the Services segment contribute?"
    )
    assert share is not None and share.numerator == "" and share.denominator == "revenue"


def test_a_plain_question_asks_for_no_ratio() -> None:
    for question in ("What is the warranty over the years?", "How long are backups kept?",
                     "What share of the sales team works remotely?",
                     "What was the gross margin?",  # a figure, not its percentage
                     "DPO is defined as: 365 * (average accounts payable) / (COGS + change in inventory)."):  # fmt: skip
        assert ratios.asked(question) is None, question


def test_operands_come_from_one_table_and_the_asked_year() -> None:
    rows = [
        Row("Total net sales", {Q3_22: 127101, Q3: 143083}, "in millions", (0, 0, 1)),
        Row("Operating income", {Q3_22: 2525, Q3: 11188}, "in millions", (0, 0, 1)),
        Row("Operating income (loss)", {Q3_22: -412, Q3: 4307}, "in millions", (1, 5, 6)),
    ]
    ratio = Ratio("operating margin", "operating income", "revenue", True)
    found = ratios.compute("What was the operating margin in Q3 2023?", ratio, rows)
    assert found is not None
    line, used = found
    assert line.endswith("Operating income 11,188 / Total net sales 143,083 = 7.8%.")
    assert used == [rows[1], rows[0]]
    older = ratios.compute("What was the operating margin in Q3 2022?", ratio, rows)
    assert older is not None and older[0].endswith("= 2.0%.")


def test_a_ratio_across_statements_and_an_average_take_the_years_columns() -> None:
    rows = [
        Row("Total revenues", {"Year Ended December 31, 2019": 6489}, "in millions", (0, 0, 1)),
        Row(
            "Property and equipment, net",
            {"December 31, 2019": 253, "December 31, 2018": 282},
            "in millions",
            (1, 0, 1),
        ),
    ]
    ratio = Ratio("fixed asset turnover ratio", "revenue", "property and equipment", False, True)
    found = ratios.compute("FY2019 revenue / (average PP&E between FY2018 and FY2019)", ratio, rows)
    assert found is not None and found[0].endswith(
        "/ average Property and equipment, net 267.50 = 24.26."
    )
    other_year = ratios.compute("FY2017 turnover between FY2016 and FY2017", ratio, rows)
    assert other_year is None  # no column of that year: nothing is computed


def test_the_computed_line_is_the_evidence() -> None:
    # The 1.5B model answered "4.307%" (the segment's operating income) before.
    hit = SearchHit(rank=1, score=1.0, path="/d/2023 Q3 AMZN.pdf", page=4, chunk_id=1,
                    heading="", text=AMAZON, start=0, end=len(AMAZON), document_id=1)  # fmt: skip
    selector = EvidenceSelector(OverlapReranker(), lambda t: len(t.split()),
                                budget_tokens=200, margin=2.0)  # fmt: skip
    question = "What is Amazon's operating margin for Q3 2023? Operating margin is operating income divided by net sales."
    [evidence] = selector.select(question, [hit])
    first = evidence.text.splitlines()[0]
    assert first == (f"Computed from the statements ({Q3}): operating margin = Operating income "
                     "11,188 / Total net sales 143,083 = 7.8%.")  # fmt: skip
    assert "Operating income — " in evidence.text and "Total net sales — " in evidence.text


INTEL = {"Three Months Ended Jul 1, 2023": 12949.0, "Three Months Ended Jul 2, 2022": 15321.0}


def test_one_figure_is_read_from_the_row_and_period_the_question_names() -> None:
    rows = [
        Row("Net revenue", {"Twelve Months Ended Jul 1, 2023": 50000.0}, "in millions", (0, 0, 1)),
        Row("Net revenue", INTEL, "in millions", (1, 0, 1)),
        Row("Total net sales", {Q3: 143083.0}, "in millions", (2, 0, 1)),
        Row("Net service sales", {Q3: 79912.0}, "in millions", (2, 0, 1)),
    ]
    found = ratios.look_up(
        "What was Intel's net revenue for the three months ended July 1, 2023?", rows
    )
    assert found is not None
    assert (
        found[0]
        == "From the statements (Three Months Ended Jul 1, 2023): Net revenue = 12,949 million"
    )
    # The row the question says, not the concept a shorter word of it names ("sales").
    service = ratios.look_up("What were Amazon's net service sales in Q3 2023?", rows)
    assert service is not None and service[1] == [rows[3]]


def test_no_figure_is_looked_up_for_an_explanation_or_another_name() -> None:
    rows = [Row("Total net sales", {Q3: 143083.0}, "in millions", (0, 0, 1))]
    for question in ("Why did Amazon's net sales increase in Q3 2023?",
                     "What were Amazon's sales in Germany in Q3 2023?",  # not the total
                     "What is the warranty of the Falcon X2?"):  # fmt: skip
        assert ratios.look_up(question, rows) is None, question


def test_a_tables_repeated_section_label_and_lost_period_label_are_not_read_as_columns() -> None:
    cells = tables.cells(
        "| ASSETS: Cash and cash equivalents | ASSETS: $ | ASSETS: 28,408 | ASSETS: 23,646 |"
    )
    assert cells == ["ASSETS: Cash and cash equivalents", "$", "28,408", "23,646"]
    assert not tables.is_header(cells)
    # "Three Months Ended" was on the page before: six dates under two periods are no columns.
    labels = "Nine Months Ended\nTwelve Months Ended\nSeptember 30,\nSeptember 30,\nSeptember 30,\n2022 2023 2022 2023 2022 2023"
    assert tables.period_columns(labels) == []
    assert tables.labelled_values(
        ["", "Amount", "%", "Amount", "%"], ["Net revenue", "1", "2", "3", "4"], []
    ) == ("", {})


def test_a_scale_counts_only_when_both_rows_state_one() -> None:
    # A segment table that states no scale beside a statement "in millions": 21,213 of 81,797.
    rows = [Row("Total net sales", {Q3: 81797.0}, "in millions", (0, 0, 1)),
            Row("Services", {Q3: 21213.0}, "", (0, 0, 1))]  # fmt: skip
    share = Ratio("share of revenue", "", "revenue", True)
    found = ratios.compute(
        "What share of total net sales came from Services in Q3 2023?", share, rows
    )
    assert found is not None and found[0].endswith("= 25.9%.")


def test_a_tables_total_row_or_another_documents_row_is_no_figure_asked_for() -> None:
    # "What is the total due on invoice 2025-0417?" over a scanned invoice was answered from
    # Intel's derivatives table: its "Total" row, in another document of the library.
    question = "What is the total due on invoice 2025-0417?"
    total = Row("Total", {"Sep 30, 2023": 51314.0}, "in millions", (1, 0, 1))
    assert ratios.look_up(question, [total]) is None
    invoice = "INVOICE No. 2025-0417. Total due: EUR 3,480.00. Payment due by 15 August 2025."
    hits = [SearchHit(rank=1, score=1.0, path="/d/invoice.pdf", page=1, chunk_id=1, heading="",
                      text=invoice, start=0, end=len(invoice), document_id=1),
            SearchHit(rank=2, score=0.5, path="/d/2023 Q3 AMZN.pdf", page=4, chunk_id=2,
                      heading="", text=AMAZON, start=0, end=len(AMAZON), document_id=2)]  # fmt: skip
    selector = EvidenceSelector(OverlapReranker(), lambda t: len(t.split()),
                                budget_tokens=200, margin=2.0)  # fmt: skip
    asked = "What was the operating income for the three months ended September 30, 2023?"
    evidence = selector.select(asked.replace("operating income", "total due"), hits)
    assert all("From the statements" not in ev.text for ev in evidence)
    assert "From the statements" in selector.select(asked, hits[1:])[0].text


def test_a_ten_k_row_is_found_by_its_abbreviation_and_net_and_given_in_the_unit_asked() -> None:
    """FinanceBench asks 10-Ks "the FY2018 capital expenditure amount (in USD millions)" and
    "the year end FY2018 net PPNE … Answer in USD billions"; 3M's rows say "Purchases of
    property, plant and equipment (PP&E)" and "Property, plant and equipment — net"."""
    rows = [
        Row("Purchases of property, plant and equipment (PP&E)",
            {"2018": -1577.0, "2017": -1373.0, "2016": -1420.0}, "in millions", (0, 0, 1)),
        Row("Property, plant and equipment — net",
            {"December 31, 2018": 8738.0, "December 31, 2017": 8866.0}, "in millions", (1, 0, 1)),
    ]  # fmt: skip
    capex = ratios.look_up("What is the FY2018 capital expenditure amount (in USD millions) for "
                           "3M? Give a response relying on the cash flow statement.", rows)  # fmt: skip
    assert capex is not None and capex[0].endswith("(PP&E) = 1,577 million")  # an outflow's size
    ppne = ratios.look_up(
        "What is the year end FY2018 net PPNE for 3M? Answer in USD billions.", rows
    )
    assert ppne is not None and ppne[0] == (
        "From the statements (December 31, 2018): Property, plant and equipment — net = 8.74 billion"
    )


def test_named_ratios_over_an_average_take_the_year_asked_and_the_year_before() -> None:
    rows = [
        Row("Net income", {"Year Ended December 31, 2022": 1200.0}, "in millions", (0, 0, 1)),
        Row("Total assets", {"December 31, 2022": 11000.0, "December 31, 2021": 9000.0},
            "in millions", (1, 0, 1)),
        Row("Operating income", {"Year Ended December 31, 2022": 2000.0}, "in millions", (0, 0, 1)),
        Row("Interest expense", {"Year Ended December 31, 2022": 250.0}, "in millions", (0, 0, 1)),
        Row("Total revenues", {"Year Ended December 31, 2022": 20000.0}, "in millions", (0, 0, 1)),
        Row("Purchases of property and equipment", {"Year Ended December 31, 2022": -1500.0},
            "in millions", (2, 0, 1)),
    ]  # fmt: skip
    roa = "What was the company's return on assets in FY2022?"
    ratio = ratios.asked(roa)
    assert ratio == Ratio("return on assets", "net income", "total assets", True, True)
    found = ratios.compute(roa, ratio, rows)
    assert found is not None and found[0].endswith("/ average Total assets 10,000 = 12.0%.")
    coverage = "What was its interest coverage in FY2022?"
    found = ratios.compute(coverage, ratios.asked(coverage), rows)  # type: ignore[arg-type]
    assert found is not None and found[0].endswith("= 8.00.")  # a coverage is no percentage
    capex = "What was its capex as a percentage of revenue in FY2022?"
    found = ratios.compute(capex, ratios.asked(capex), rows)  # type: ignore[arg-type]
    assert found is not None and found[0].endswith(
        "property and equipment 1,500 / Total revenues 20,000 = 7.5%."
    )


def test_rows_a_company_words_its_own_way_count_as_their_concept() -> None:
    from sourcewise.core.answer.line_items import matches

    worded = [
        ("Purchases related to property and equipment and intangible assets", "capital expenditure"),
        ("Purchases of property and equipment, net of proceeds from sales and incentives",
         "capital expenditure"),
        ("Payment of dividends to stockholders", "dividends paid"),
        ("Accounts receivable, net and other", "accounts receivable"),
        ("Marketable securities", "short-term investments"),
        ("Net operating revenues", "revenue"),
        ("Cost of products sold", "cost of sales"),
        ("Earnings from operations", "operating income"),
        ("Cash provided by operations", "operating cash flow"),
        ("Depreciation and amortization of property and equipment and capitalized content costs",
         "depreciation and amortization"),
    ]  # fmt: skip
    assert [label for label, concept in worded if not matches(label, concept)] == []
    others = [
        ("Purchases of marketable securities", "capital expenditure"),
        ("Proceeds from property and equipment sales and incentives", "capital expenditure"),
        ("Property and equipment acquired under finance leases", "capital expenditure"),
        ("Vendor non-trade receivables", "accounts receivable"),
        ("Accumulated depreciation and amortization", "depreciation and amortization"),
        ("Sales and marketing", "revenue"),
        ("Non-current assets: Marketable securities", "short-term investments"),
        ("Changes in operating assets and liabilities: Inventories", "inventory"),
    ]  # fmt: skip
    assert [label for label, concept in others if matches(label, concept)] == []


def test_a_dividend_payout_ratio_is_dividends_paid_over_net_income() -> None:
    question = ("What is 3M's FY2018 dividend payout ratio (using total cash dividends paid and net "
                "income attributable to shareholders)? Round answer to two decimal places.")  # fmt: skip
    ratio = ratios.asked(question)
    assert ratio is not None and (ratio.numerator, ratio.denominator) == (
        "dividends paid",
        "net income",
    )
    rows = [Row("Net income attributable to 3M", {"2018": 5349.0}, "in millions", (0, 0, 1)),
            Row("Cash dividends paid", {"2018": -3193.0}, "in millions", (0, 0, 1))]  # fmt: skip
    found = ratios.compute(question, ratio, rows)
    assert found is not None and "= 0.60" in found[0]


SHEET_10K = ("3M Company and Subsidiaries\nConsolidated Balance Sheet\nAt December 31\n(Dollars in "
             "millions, except per share amount)\n2018 2017\n| Assets | | |\n| --- | --- | --- |\n"
             "| Cash and cash equivalents | $ 2,853 | $ 3,053 |\n"
             "| Marketable securities — current | 380 | 1,076 |\n"
             "| Accounts receivable — net of allowances of $95 and $103 | 5,020 | 4,911 |\n"
             "| Total current assets | 13,709 | 14,277 |\n"
             "| Property, plant and equipment — net | 8,738 | 8,866 |\n"
             "| Total current liabilities | 10,624 | 7,687 |")  # fmt: skip


def test_an_analysts_question_after_instructions_is_read_from_its_row() -> None:
    question = ("Assume that you are a public equities analyst. Answer the following question by "
                "primarily using information that is shown in the balance sheet: what is the year "
                "end FY2018 net PPNE for 3M? Answer in USD billions.")  # fmt: skip
    assert first_evidence_line(question, SHEET_10K) == (
        "From the statements (December 31, 2018): Property, plant and equipment — net = 8.74 billion"
    )
    # "net AR": an abbreviation, and a label that says what the figure is net of.
    assert first_evidence_line(
        "What is 3M's year end FY2018 net AR (in USD millions)?", SHEET_10K
    ).endswith("= 5,020 million")


def test_a_ratio_the_question_defines_is_not_the_metric_its_name_begins_with() -> None:
    question = ("Based on the balance sheet, what is 3M's FY2018 working capital ratio? Working "
                "capital ratio is defined as total current assets divided by total current "
                "liabilities.")  # fmt: skip
    assert first_evidence_line(question, SHEET_10K).endswith("= 1.29.")
    # A current marketable security counts as a short-term investment of a quick ratio.
    assert first_evidence_line("What is 3M's FY2018 quick ratio?", SHEET_10K) == (
        "Computed from the statements: quick ratio = 0.78."
    )
    roe = ratios.asked("What is 3M's FY2018 return on equity?")
    assert roe is not None and (roe.numerator, roe.denominator, roe.average) == (
        "net income", "total equity", True
    )  # fmt: skip
