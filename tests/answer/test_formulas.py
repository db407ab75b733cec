"""Formulas a question defines with sums, differences, changes and constants: parsed, each
operand read from its row in the year it names, and worked out with its workings shown."""

from __future__ import annotations

from sourcewise.core.answer import formulas, ratios
from sourcewise.core.answer.evidence import EvidenceSelector
from sourcewise.core.answer.line_items import Row
from sourcewise.core.testing import OverlapReranker
from sourcewise.core.types import SearchHit
from tests.answer.table_fixtures import first_evidence_line

DPO = ("What is Amazon's FY2017 days payable outstanding (DPO)? DPO is defined as: 365 * (average "
       "accounts payable between FY2016 and FY2017) / (FY2017 COGS + change in inventory between "
       "FY2016 and FY2017). Round your answer to two decimal places.")  # fmt: skip
EBITDA = ("What is Boeing's FY2018 unadjusted EBITDA? Define unadjusted EBITDA as unadjusted "
          "operating income + depreciation and amortization [from cash flow statement]. Answer in "
          "USD billions.")  # fmt: skip
Q3 = "Three Months Ended September 30, 2023"
ROWS = [
    Row("Accounts payable", {"December 31, 2017": 34616, "December 31, 2016": 25309},
        "in millions", (0, 0, 1)),
    Row("Inventories", {"December 31, 2017": 16047, "December 31, 2016": 11461}, "in millions",
        (0, 0, 1)),
    Row("Cost of sales", {"Year Ended December 31, 2017": 111934,
                          "Year Ended December 31, 2016": 88265}, "in millions", (1, 0, 1)),
    Row("Operating income", {"Year Ended December 31, 2018": 12000}, "in millions", (1, 0, 1)),
    Row("Depreciation and amortization of property and equipment",
        {"Year Ended December 31, 2018": 2114}, "in millions", (2, 0, 1)),
    Row("Net cash provided by (used in) operating activities", {Q3: 21217}, "in millions",
        (3, 0, 1)),
    Row("Purchases of property and equipment", {Q3: -12479}, "in millions", (3, 0, 1)),
]  # fmt: skip


def test_a_definition_with_sums_changes_and_constants_is_parsed() -> None:
    formula = formulas.defined(DPO)
    assert formula is not None and formula.name == "dpo"
    top = formula.expression
    assert isinstance(top, formulas.Op) and top.sign == "/"
    assert isinstance(top.left, formulas.Op) and top.left.left == 365.0
    payables = top.left.right
    assert isinstance(payables, formulas.Operand)
    assert (payables.concept, payables.how, payables.years) == (
        "accounts payable", "average", ("2016", "2017")
    )  # fmt: skip
    assert isinstance(top.right, formulas.Op) and top.right.sign == "+"
    # "A divided by B" stays the ratio module's; a plain question defines nothing.
    assert formulas.defined("Operating margin is operating income divided by net sales.") is None
    assert formulas.defined("What is the warranty period?") is None
    assert formulas.defined("Core profit = revenue - cost of sales + (") is None  # unparsable


def test_each_operand_is_read_in_its_year_and_the_result_worked_out() -> None:
    formula = formulas.defined(DPO)
    assert formula is not None
    found = formulas.evaluate(DPO, formula, ROWS)
    assert found is not None
    line, used = found
    # 365 * (34,616 + 25,309) / 2 / (111,934 + 16,047 - 11,461)
    first, workings = line.split("\n")
    assert first == "Computed from the statements: dpo = 93.86."
    assert workings.startswith("Worked out as 365 * (average accounts payable between FY2016")
    assert (
        "), where average Accounts payable (December 31, 2016 and December 31, 2017) = "
        "29,962.50; Cost of sales (Year Ended December 31, 2017) = 111,934; change in "
        "Inventories (December 31, 2016 to December 31, 2017) = 4,586 (in millions)." in workings
    )
    assert used == [ROWS[0], ROWS[2], ROWS[1]]  # in the order the formula names them
    no_year = DPO.replace("FY2016", "FY2014").replace("FY2017", "FY2015")
    assert formulas.evaluate(no_year, formulas.defined(no_year), ROWS) is None  # type: ignore[arg-type]


def test_an_amount_is_given_in_the_unit_asked_and_an_outflow_by_its_size() -> None:
    formula = formulas.defined(EBITDA)
    assert formula is not None
    found = formulas.evaluate(EBITDA, formula, ROWS)
    assert found is not None and found[0].startswith(
        "Computed from the statements: unadjusted ebitda = 14.11 billion.\nWorked out as unadjusted"
    )
    fcf = ("What was Amazon's free cash flow in the three months ended September 30, 2023? Free "
           "cash flow is defined as net cash provided by operating activities less purchases of "
           "property and equipment.")  # fmt: skip
    found = formulas.evaluate(fcf, formulas.defined(fcf), ROWS)  # type: ignore[arg-type]
    assert found is not None and "free cash flow = 8,738 million.\n" in found[0]  # 21,217 - 12,479
    capex = ratios.look_up("What were Amazon's purchases of property and equipment in the three "
                           "months ended September 30, 2023? Answer in USD billions.", ROWS)  # fmt: skip
    assert capex is not None and capex[0].endswith(
        "Purchases of property and equipment = 12.48 billion"
    )


def test_the_worked_out_line_is_the_evidence() -> None:
    text = ("CONSOLIDATED STATEMENTS OF CASH FLOWS (in millions)\n\nThree Months Ended\n"
            "September 30,\n2022 2023\n| Net cash provided by (used in) operating activities | "
            "11,404 | 21,217 |\n| --- | --- | --- |\n| Purchases of property and equipment | "
            "(16,378) | (12,479) |")  # fmt: skip
    hit = SearchHit(rank=1, score=1.0, path="/d/2023 Q3 AMZN.pdf", page=3, chunk_id=1,
                    heading="", text=text, start=0, end=len(text), document_id=1)  # fmt: skip
    selector = EvidenceSelector(OverlapReranker(), lambda t: len(t.split()),
                                budget_tokens=200, margin=2.0)  # fmt: skip
    question = ("What was Amazon's free cash flow in the three months ended September 30, 2023? "
                "Free cash flow is defined as operating cash flow minus capital expenditures.")  # fmt: skip
    [evidence] = selector.select(question, [hit])
    # Only the line and its workings: every figure used is named there.
    assert evidence.text.splitlines() == [
        "Computed from the statements: free cash flow = 8,738 million.",
        "Worked out as operating cash flow minus capital expenditures, where Net cash provided by "
        "(used in) operating activities (Three Months Ended September 30, 2023) = 21,217; "
        "Purchases of property and equipment (Three Months Ended September 30, 2023) = 12,479 "
        "(in millions).",
    ]


def test_a_metric_only_named_is_worked_out_unless_a_row_has_its_name() -> None:
    quick = formulas.defined("Does Intel have a reasonably healthy liquidity profile based on "
                             "its quick ratio as of July 1, 2023?")  # fmt: skip
    assert quick is not None and quick.named and quick.name == "quick ratio"
    assert [op.concept for op in formulas.operands(quick.expression)] == [
        "cash and cash equivalents", "short-term investments", "accounts receivable",
        "current liabilities"]  # fmt: skip
    # Not for a question about why it moved; a definition in the question wins.
    assert formulas.defined("Why did Amazon's free cash flow decrease in 2022?") is None
    defined = formulas.defined("What was the free cash flow? Free cash flow is defined as "
                               "operating cash flow less purchases of property and equipment.")  # fmt: skip
    assert defined is not None and not defined.named

    statement = ("CASH FLOWS (in millions)\n\nThree Months Ended\nSeptember 30,\n2022 2023\n"
                 "| Net cash provided by (used in) operating activities | 11,404 | 21,217 |\n"
                 "| --- | --- | --- |\n| Purchases of property and equipment | (16,378) | (12,479) |")  # fmt: skip
    question = "What was Amazon's free cash flow for the three months ended September 30, 2023?"
    assert first_evidence_line(question, statement) == (
        "Computed from the statements: free cash flow = 8,738 million."
    )
    own = statement + "\n| Free cash flow | (2,000) | 9,000 |"  # the company's own figure
    assert first_evidence_line(question, own) == (
        "From the statements (Three Months Ended September 30, 2023): Free cash flow = 9,000 million"
    )


def test_an_ebitda_margin_named_is_worked_out_as_a_percentage() -> None:
    question = "What was Boeing's FY2018 EBITDA margin?"
    formula = formulas.defined(question)
    assert formula is not None and formula.named and formula.name == "ebitda margin"
    rows = [*ROWS, Row("Total revenues", {"Year Ended December 31, 2018": 101127.0}, "in millions",
                       (1, 0, 1))]  # fmt: skip
    found = formulas.evaluate(question, formula, rows)
    assert found is not None  # (12,000 + 2,114) / 101,127
    assert found[0].startswith("Computed from the statements: ebitda margin = 14.0%.\n")


def test_a_named_metric_is_not_answered_by_the_row_of_one_of_its_operands() -> None:
    statement = ("CASH FLOWS (in millions)\n\nThree Months Ended\nSeptember 30,\n2022 2023\n"
                 "| Operating income | 2,525 | 11,188 |\n| --- | --- | --- |\n"
                 "| Depreciation and amortization of property and equipment and capitalized "
                 "content costs, operating lease assets, and other | 10,327 | 12,131 |")  # fmt: skip
    question = ("What was Amazon's EBITDA for the three months ended September 30, 2023? Use "
                "operating income and depreciation and amortization.")  # fmt: skip
    assert first_evidence_line(question, statement) == (
        "Computed from the statements: ebitda = 23,319 million."
    )


def test_a_quick_ratio_counts_the_current_assets_only() -> None:
    # Apple lists marketable securities under current and (larger) under non-current assets.
    sheet = ("CONDENSED CONSOLIDATED BALANCE SHEETS (In millions)\nJuly 1,\n2023 September 24,\n"
             "2022\n| ASSETS: Current assets: Cash and cash equivalents | ASSETS: $ | ASSETS: "
             "28,408 | ASSETS: | ASSETS: $ | ASSETS: 23,646 |\n| --- | --- | --- | --- | --- | --- |\n"
             "| Marketable securities | 34,074 |  |  | 24,658 |  |\n"
             "| Accounts receivable, net | 19,549 |  |  | 28,184 |  |\n"
             "| Non-current assets: |  |  |  |  |  |\n"
             "| Marketable securities | 104,061 |  |  | 120,805 |  |\n"
             "| Current liabilities: |  |  |  |  |  |\n"
             "| Total current liabilities | 124,963 |  |  | 153,982 |  |")  # fmt: skip
    question = "What was Apple's quick ratio as of July 1, 2023? Round to two decimal places."
    assert (
        first_evidence_line(question, sheet) == "Computed from the statements: quick ratio = 0.66."
    )


def test_a_year_over_year_change_is_worked_out_as_a_percentage() -> None:
    question = ("What is Adobe's year-over-year change in unadjusted operating income from FY2015 "
                "to FY2016 (in units of percents and round to one decimal place)?")  # fmt: skip
    formula = formulas.defined(question)
    assert formula is not None and formula.percent
    assert formula.name == "year-over-year change in unadjusted operating income"
    rows = [Row("Operating income", {"2016": 1494.0, "2015": 903.0}, "in thousands", (1, 0, 1))]
    found = formulas.evaluate(question, formula, rows)
    assert found is not None  # (1,494 - 903) / 903
    assert found[0].startswith("Computed from the statements: year-over-year change in "
                               "unadjusted operating income = 65.4%.\n")  # fmt: skip
    # One year named: it against the year before, in the period asked.
    growth = formulas.defined("What was Amazon's net sales growth for the three months ended "
                              "September 30, 2023?")  # fmt: skip
    assert growth is not None and growth.name == "net sales growth"
    assert [op.years for op in formulas.operands(growth.expression)][:2] == [("2023",), ("2022",)]
    said = formulas.defined("What is the year-over-year change in 3M's net sales from FY2017 to "
                            "FY2018, in percent?")  # fmt: skip
    assert said is not None
    assert [op.concept for op in formulas.operands(said.expression)][:1] == ["revenue"]
    # Not a question why it changed, nor a strategy.
    assert (
        formulas.defined("What drove the year-over-year change in revenue from 2015 to 2016?")
        is None
    )
    assert formulas.defined("Describe Nike's growth strategy in 2022.") is None


def test_a_metric_the_best_documents_statements_cannot_work_out_is_read_from_the_next() -> None:
    # The 2022 report ranks first for "... compared with the same period of 2022"; its columns
    # end in 2022, and the 2023 report's statement works the growth out.
    def statement(document: int, early: str, late: str, figures: str) -> SearchHit:
        text = (f"STATEMENTS OF OPERATIONS (in millions)\n\nNine Months Ended\nSeptember 30,\n"
                f"{early} {late}\n| Total net sales | {figures} |\n| --- | --- | --- |\n"
                f"| Operating income | 9,511 | 23,643 |")  # fmt: skip
        return SearchHit(rank=document, score=1.0, path=f"/d/{late} Q3 AMZN.pdf", page=4,
                         chunk_id=document, heading="", text=text, start=0, end=len(text),
                         document_id=document)  # fmt: skip

    hits = [statement(1, "2021", "2022", "332,410 | 364,779"),
            statement(2, "2022", "2023", "364,779 | 404,824")]  # fmt: skip
    selector = EvidenceSelector(OverlapReranker(), lambda t: len(t.split()),
                                budget_tokens=300, margin=2.0)  # fmt: skip
    question = ("What was Amazon's total net sales growth for the nine months ended September 30, "
                "2023, compared with the same period of 2022?")  # fmt: skip
    [evidence] = selector.select(question, hits)
    assert evidence.hit.document_id == 2
    assert evidence.text.startswith("Computed from the statements: total net sales growth = 11.0%.")


def test_a_figure_worked_out_from_the_statements_passes_the_retrieval_gate() -> None:
    # "What was Amazon's gross margin …?" scores about -6 against every passage (Amazon states
    # no gross margin row); its net sales and cost of sales work it out, and the gate, which
    # knows only how well the passages match, must not decline it.
    from sourcewise.core.answer.answerer import Answerer
    from sourcewise.core.settings import Settings
    from sourcewise.core.testing import EchoChatModel

    text = ("STATEMENTS OF OPERATIONS (in millions)\n\nThree Months Ended\nSeptember 30,\n"
            "2022 2023\n| Total net sales | 127,101 | 143,083 |\n| --- | --- | --- |\n"
            "| Cost of sales | 70,268 | 75,022 |")  # fmt: skip
    hit = SearchHit(rank=1, score=1.0, path="/d/2023 Q3 AMZN.pdf", page=4, chunk_id=1,
                    heading="", text=text, start=0, end=len(text), document_id=1,
                    scores={"rerank": -6.0})  # fmt: skip

    class Unmatched:  # the cross-encoder's verdict on every pair
        def warm_up(self) -> None: ...

        def score(self, query: str, passages: list[str]) -> list[float]:
            return [-6.0] * len(passages)

    answerer = Answerer(Settings(), EchoChatModel(), lambda q, k, f: [hit], Unmatched(),  # type: ignore[arg-type]
                        judge_threshold=0.65)  # fmt: skip
    answer = answerer.ask(
        "What was Amazon's gross margin for the three months ended September 30, 2023?"
    )
    assert not answer.abstained
    assert "gross margin = 68,061 million" in answer.citations[0].text
