"""The names a question says pick the table row and the documents it is answered from."""

from __future__ import annotations

from sourcewise.core.answer.names import (
    NAMED_GAP,
    names_a_cell,
    prefer_named_documents,
    prefer_named_rows,
)


def test_the_company_the_question_names_keeps_its_passages_and_the_others_drop() -> None:
    about = [("apple inc.", "gross margin | 36,413"), ("intel", "gross margin dollars decreased")]
    scores = prefer_named_documents("What was the gross margin for Apple?", [1, 0], about,
                                    [0.1, -0.5])  # fmt: skip
    assert scores == [0.1 - NAMED_GAP, -0.5]
    # named in a document's heading outranks a mention in another document's text
    about = [("2023 q3 aapl.pdf apple inc.", "gross margin"), ("intel", "customers such as apple")]
    scores = prefer_named_documents("What was Apple's gross margin?", [0, 1], about, [0.0, 1.0])
    assert scores == [0.0, 1.0 - NAMED_GAP]
    # a name no document is headed by is looked for in what they say
    about = [("notes.md", "the lisbon office"), ("minutes.md", "the porto office")]
    scores = prefer_named_documents("When does Lisbon open?", [0, 1], about, [0.0, 1.0])
    assert scores == [0.0, 1.0 - NAMED_GAP]


def test_no_preference_when_every_document_or_none_names_it() -> None:
    about = [("apple", "gross margin"), ("apple", "services")]
    assert prefer_named_documents("What did Apple earn?", [0, 1], about, [1.0, 2.0]) == [1.0, 2.0]
    german = [
        ("vertrag.md", "der vertrag"),
        ("miete.md", "die miete"),
    ]  # German capitalises every noun: no names read
    assert prefer_named_documents("Wann endet der Vertrag?", [0, 1], german, [1.0, 2.0]) == [
        1.0,
        2.0,
    ]


def test_a_row_named_in_the_question_takes_the_best_score() -> None:
    rows = ["Department: Marketing; Owner: Lena Vogt", "Department: Sales; Owner: Aisha Khan"]
    scores = prefer_named_rows("Who owns the Sales budget?", ["t", "t"], ["marketing", "sales"],
                               rows, [3.0, 1.0])  # fmt: skip
    assert scores == [3.0 - NAMED_GAP, 3.0]
    # an aggregate question reads every row: no row is preferred
    assert prefer_named_rows("Which department has the smallest budget?", ["t", "t"],
                             ["marketing", "sales"], rows, [3.0, 1.0]) == [3.0, 1.0]  # fmt: skip


def test_a_named_statement_row_rises_to_the_best_prose_sentence() -> None:
    # The cross-encoder scores the statement row far below a sentence about the product; the
    # row holds the figure, so it must reach the evidence ("total revenue" names a row here).
    texts = ["iPhone net sales decreased during the quarter.", "iPhone | 39,669 | 40,665",
             "Total net sales | 81,797 | 82,959"]  # fmt: skip
    scores = prefer_named_rows(
        "What was the total revenue generated from Apple's iPhone sales?", [None, "t", "t"],
        ["", "iphone", "total net sales"], texts, [1.8, -3.5, -2.5],
    )  # fmt: skip
    assert scores == [1.8, 1.8, -2.5 - NAMED_GAP]  # below its table's best, past the margin


def test_a_cell_named_by_its_row_and_column_is_an_answer_in_view() -> None:
    sheet = "Quarter: Q1; Marketing: 96500; Sales: 142300\nQuarter: Q2; Marketing: 118200; Sales: 150900"
    assert names_a_cell("How much did Marketing spend in Q2?", sheet)
    assert not names_a_cell("How much did Marketing spend?", sheet)  # no row named
    assert not names_a_cell("What did Legal spend in Q2?", sheet)  # no column named
    statement = "Gross margin — Three Months Ended July 1, 2023: 36,413 (in millions)"
    assert names_a_cell("What was the gross margin in the latest quarter?", statement)
    assert not names_a_cell("What was Intel's gross margin?", statement)  # Intel is not there
    # A metric computed from the statements, named by the question: the answer is in view.
    computed = ("Computed from the statements: working capital = -2,219 million.\n"
                "Worked out as total current assets - total current liabilities, where Total "
                "current assets (September 30, 2023) = 142,995; …")  # fmt: skip
    question = "What was Amazon's working capital as of September 30, 2023?"
    assert not names_a_cell(question, computed)  # "Amazon" is not in it
    card = "2023 q3 amzn amazon.com inc 10q"  # its document's card names the company
    assert names_a_cell(question, f"{computed}\n{card}")
    assert not names_a_cell("What was Amazon's quick ratio?", f"{computed}\n{card}")
    # The figures of the line items a comparison names, read from their rows: in view too,
    # unless the company asked about is not the one the evidence is from.
    named = ("From the statements: Total operating expenses (Three Months Ended March 31, 2023) "
             "= 122,584 million; Total net sales (…) = 127,358 million.")  # fmt: skip
    compared = "How did Amazon's operating expenses compare to its revenue in Q1 2023?"
    assert names_a_cell(compared, f"{named}\n2023 q1 amzn amazon.com inc 10q")
    assert not names_a_cell(compared, f"{named}\n2023 q1 intc intel corp 10q")


def test_a_product_name_capitalised_inside_is_a_name() -> None:
    from sourcewise.core.answer.answerability import question_names

    assert question_names("What were Apple's iPhone sales in Q3?") == ["Apple", "iPhone", "Q3"]
    assert "eBay" in question_names("How many users does eBay have?")
