"""Prose references and unmarked sentences mapped to the source that holds them."""

from __future__ import annotations

from sourcewise.core.answer.attribution import SourceRef, attribute, prose_reference, recite

SOURCES = [
    SourceRef(1, "/docs/workshop-safety-manual.pdf", 3, "Eye-wash stations are next to each exit."),
    SourceRef(2, "/docs/fleet-report-2024.pdf", 4, "The electric vans ran 38,000 km in 2024."),
]


def test_a_file_named_in_prose_gets_its_marker() -> None:
    text = attribute("The workshop-safety-manual.pdf, page 3, lists the stations.", SOURCES)
    assert text == "The workshop-safety-manual.pdf, page 3, lists the stations [1]."


def test_a_file_named_by_its_words_is_found() -> None:
    assert prose_reference("As the fleet report 2024 says, vans ran far.", SOURCES) == 2


def test_a_page_alone_maps_only_when_one_source_has_it() -> None:
    assert prose_reference("See page 4.", SOURCES) == 2
    both = [*SOURCES, SourceRef(3, "/docs/other.pdf", 4, "x")]
    assert prose_reference("See page 4.", both) is None


def test_an_unmarked_sentence_goes_to_the_source_holding_its_words() -> None:
    text = attribute("The electric vans ran 38,000 km in 2024.", SOURCES)
    assert text.endswith("[2].")


def test_a_sentence_no_source_holds_stays_uncited() -> None:
    text = "Penguins cannot fly."
    assert attribute(text, SOURCES) == text


def test_marked_sentences_are_left_alone() -> None:
    text = "Eye-wash stations are next to each exit [1]."
    assert attribute(text, SOURCES) == text


def test_a_misnumbered_citation_moves_to_the_source_that_holds_the_sentence() -> None:
    notes = SourceRef(1, "/n/会议纪要.md", None, "会议同意将项目预算增加15万元，用于外包测试。")
    tesla = SourceRef(2, "/n/tesla.md", None, "特斯拉以其成就和表现力而闻名。")
    assert recite("项目预算增加了15万元。[2]", [notes, tesla]) == "项目预算增加了15万元。[1]"
    sheet = SourceRef(1, "/b.xlsx", 2, "Quarter: Q2; Marketing: 118200; Sales: 150900")
    amzn = SourceRef(2, "/amzn.pdf", 23, "Cash provided by investing activities corresponds with")
    assert recite("Marketing spent $118,200 in Q2 [2].", [sheet, amzn]).endswith("[1].")
    # a paraphrase that neither source clearly holds keeps the model's number
    assert recite("Spending went up [2].", [sheet, amzn]) == "Spending went up [2]."


ROW = "model: Heron; type: gravel; weight_kg: 10.2; price_eur: 2190; warranty_years: 10"


def test_a_figure_only_one_source_states_finds_that_source() -> None:
    """A catalogue row shares few words with "costs … euros", but only it states 2190."""
    row = SourceRef(1, "/docs/product-catalogue.csv", None, ROW)
    assert attribute("The Heron costs 2190 euros.", [row]) == "The Heron costs 2190 euros [1]."
    assert attribute("It weighs 10.2 kg.", [*SOURCES, row]).endswith("[1].")
    two = [row, SourceRef(2, "/docs/prices.txt", None, "The Heron sells for 2,190 EUR.")]
    assert attribute("The Heron costs 2190 euros.", two) == "The Heron costs 2190 euros."
    assert attribute("The Heron costs 3100 euros.", [row]) == "The Heron costs 3100 euros."
