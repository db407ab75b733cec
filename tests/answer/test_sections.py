"""A document read whole: the sentences a summary is made of are prose, not its headings."""

from __future__ import annotations

from sourcewise.core.answer.sections import sentences_of
from sourcewise.core.store.document_chunks import OrderedChunk


def _chunk(text: str, heading: str) -> OrderedChunk:
    return OrderedChunk(1, text, heading, 1, 1, 0, len(text), "", "text")


def test_headings_and_running_footers_are_not_sentences_of_a_summary() -> None:
    text = ("1. Purpose and scope\n\nThis manual sets out the rules of the workshop. "
            "It applies to employees (ext. 2301) and visitors.\n\n"
            "Workshop Safety Manual - page 1 of 3")  # fmt: skip
    [(heading, sentences)] = sentences_of(
        [_chunk(text, "Workshop Safety Manual > 1. Purpose and scope")]
    )
    assert heading == "Workshop Safety Manual"
    assert [s.text for s in sentences] == [
        "This manual sets out the rules of the workshop.",
        "It applies to employees (ext. 2301) and visitors.",
    ]


def test_a_sentence_that_mentions_a_page_stays() -> None:
    text = "Details of the budget are on page 4."
    [(_, sentences)] = sentences_of([_chunk(text, "Report")])
    assert [s.text for s in sentences] == [text]
