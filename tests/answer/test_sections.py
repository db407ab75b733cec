"""A document read whole: the sentences a summary is made of are prose, not its headings."""

from __future__ import annotations

from sourcewise.core.answer.sections import Sentence, sentences_of
from sourcewise.core.store.rows import OrderedChunk


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


def test_a_summary_reads_sentences_before_an_address_line_and_drops_bullet_glyphs() -> None:
    from sourcewise.core.answer.sections import central_sentences

    text = ("Brightwater Bicycle Works, Harbour Road, Kestrel Bay Workshop.\n\n"
            "Owner: Priya Natarajan, Workshop Manager (ext. 2301)\n\n"
            "The workshop rules apply to every person in the workshop.\n\n"
            "• Safety glasses are required everywhere in the workshop.")  # fmt: skip
    [(_, sentences)] = sentences_of([_chunk(text, "Manual")])
    assert sentences[-1].text == "Safety glasses are required everywhere in the workshop."
    picked = central_sentences(sentences, 30, lambda t: len(t.split()))
    assert [s.text for s in picked] == [
        "The workshop rules apply to every person in the workshop.",
        "Safety glasses are required everywhere in the workshop.",
    ]
    everything = central_sentences(sentences, 1000, lambda t: len(t.split()))
    assert everything == picked  # with room to spare too: the model copied them first
    fragments = central_sentences(sentences[:2], 1000, lambda t: len(t.split()))
    assert len(fragments) == 2  # a section of fragments only is still read
    german = "Das Sommerfest findet am 12. Juli 2025 im Stadtpark statt."
    assert central_sentences([*sentences[:2], Sentence(german, 1, 1, 0, 1)], 1000,
                             lambda t: len(t.split()))[0].text == german  # fmt: skip
