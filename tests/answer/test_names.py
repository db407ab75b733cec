"""The names a question says pick the table row and the documents it is answered from."""

from __future__ import annotations

from sourcewise.core.answer.names import NAMED_GAP, prefer_named_documents, prefer_named_rows


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


def test_a_row_named_in_the_question_takes_its_tables_best_score() -> None:
    rows = ["Department: Marketing; Owner: Lena Vogt", "Department: Sales; Owner: Aisha Khan"]
    scores = prefer_named_rows("Who owns the Sales budget?", ["t", "t"], ["marketing", "sales"],
                               rows, [3.0, 1.0])  # fmt: skip
    assert scores == [3.0 - NAMED_GAP, 3.0]
    # an aggregate question reads every row: no row is preferred
    assert prefer_named_rows("Which department has the smallest budget?", ["t", "t"],
                             ["marketing", "sales"], rows, [3.0, 1.0]) == [3.0, 1.0]  # fmt: skip
