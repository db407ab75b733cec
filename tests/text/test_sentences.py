"""The one sentence splitter: abbreviations, ordinals, numbers, scripts without spaces, and
hard-wrapped lines, in several languages, with offsets that point at the sentence."""

from __future__ import annotations

import re

import pytest

from sourcewise.core.text.sentences import first_sentence, sentences, starts_unit


def _texts(text: str, **kw: object) -> list[str]:
    return [s.text for s in sentences(text, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English prose: the ordinary case the answer benches were tuned on
        (
            "The depot opened in 1998 near the harbour. It has three loading bays.",
            ["The depot opened in 1998 near the harbour.", "It has three loading bays."],
        ),
        ("Is it open? Yes! It opens at 9.", ["Is it open?", "Yes!", "It opens at 9."]),
        ("Revenue rose 3.5 percent in 2021. Costs fell.", ["Revenue rose 3.5 percent in 2021.", "Costs fell."]),
        ("Dr. Smith met Mr. Jones. They talked.", ["Dr. Smith met Mr. Jones.", "They talked."]),
        ("Use a solvent, e.g. Acetone. Or i.e. Water here.", ["Use a solvent, e.g. Acetone.", "Or i.e. Water here."]),
        ("See No. 5 and Fig. 3 on p. 12. Done.", ["See No. 5 and Fig. 3 on p. 12.", "Done."]),
        ("Apple vs. Microsoft was tried in the U.S. District Court.", ["Apple vs. Microsoft was tried in the U.S. District Court."]),
        ("Revenue was $7.7 billion. Version 2.1.3 shipped.", ["Revenue was $7.7 billion.", "Version 2.1.3 shipped."]),
        ("John F. Kennedy spoke. J. A. Smith wrote it.", ["John F. Kennedy spoke.", "J. A. Smith wrote it."]),
        # an abbreviation that may also end a sentence: only before a usual first word
        ("We supply Acme Inc. The order shipped.", ["We supply Acme Inc.", "The order shipped."]),
        ("Acme Inc. Reports Growth", ["Acme Inc. Reports Growth"]),
        ("Pens, paper, etc. The rest is gone.", ["Pens, paper, etc.", "The rest is gone."]),
        ("Born in the U.S. The family moved.", ["Born in the U.S.", "The family moved."]),
        # closing quotes and brackets stay with their sentence
        ('He said "Stop." Then he left (quietly.) Next.', ['He said "Stop."', "Then he left (quietly.)", "Next."]),
        ("It ended. “Why?” she asked.", ["It ended.", "“Why?” she asked."]),
        ("It grew fast... and then stopped. Later it fell.", ["It grew fast... and then stopped.", "Later it fell."]),
        # German: ordinal dates and numbers, abbreviations
        (
            "Das Sommerfest findet am 12. Juli 2025 in Berlin statt. Alle sind eingeladen.",
            ["Das Sommerfest findet am 12. Juli 2025 in Berlin statt.", "Alle sind eingeladen."],
        ),
        ("Ab dem 1. Januar gilt im 3. Quartal der Tarif. Er kostet 1.234,56 EUR.", ["Ab dem 1. Januar gilt im 3. Quartal der Tarif.", "Er kostet 1.234,56 EUR."]),
        ("Das gilt z.B. für Nr. 4 bzw. Nr. 5 ca. zwei Wochen. Danach usw. nicht.", ["Das gilt z.B. für Nr. 4 bzw. Nr. 5 ca. zwei Wochen.", "Danach usw. nicht."]),
        ("Im 19. Jahrhundert wuchs die Stadt. Heute ist sie groß.", ["Im 19. Jahrhundert wuchs die Stadt.", "Heute ist sie groß."]),
        # Chinese and Japanese: no space after the sentence mark
        ("设计主四合院的是谁。第二句。", ["设计主四合院的是谁。", "第二句。"]),
        ("他来了吗？来了！好的。", ["他来了吗？", "来了！", "好的。"]),
        ("「行こう。」と彼は言った。東京は大きい。", ["「行こう。」", "と彼は言った。", "東京は大きい。"]),
        ("東京は日本の首都です。人口は約1400万人です。", ["東京は日本の首都です。", "人口は約1400万人です。"]),
        # Hindi danda, Arabic question mark (the Arabic comma ends nothing)
        ("यह पहला वाक्य है। यह दूसरा वाक्य है।", ["यह पहला वाक्य है।", "यह दूसरा वाक्य है।"]),
        ("هل هذا سؤال؟ نعم، هذا جواب.", ["هل هذا سؤال؟", "نعم، هذا جواب."]),
        # Russian and Spanish
        ("Это т.е. пример. В Москве живут люди.", ["Это т.е. пример.", "В Москве живут люди."]),
        ("¿Qué pasó? El Sr. García llegó a las 3.30. Nada más.", ["¿Qué pasó?", "El Sr. García llegó a las 3.30.", "Nada más."]),
        # Thai has no sentence mark: clauses separated by spaces stay as they are
        ("วันนี้อากาศดี เราจะไปเที่ยวทะเล", ["วันนี้อากาศดี เราจะไปเที่ยวทะเล"]),
    ],
)  # fmt: skip
def test_sentences_in_several_languages(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_offsets_point_at_each_sentence() -> None:
    text = "  Erstens am 12. Juli. 第二句。Third one?  "
    found = sentences(text)
    assert [text[s.start : s.end] for s in found] == [
        "Erstens am 12. Juli.",
        "第二句。",
        "Third one?",
    ]
    assert [s.text for s in found] == ["Erstens am 12. Juli.", "第二句。", "Third one?"]


def test_a_range_of_the_text_is_split_with_offsets_into_the_whole_text() -> None:
    text = "Skip this. Take this one. And this. Not this."
    start = text.index("Take")
    found = sentences(text, start, text.index("Not") - 1)
    assert [(s.start, s.text) for s in found] == [
        (start, "Take this one."),
        (text.index("And"), "And this."),
    ]


HARD_WRAPPED = (
    "The survey went to every team in the spring. More than half of the\n"
    "respondents said that the new rota had improved their working\n"
    "conditions [1]. A third asked for longer breaks.\n"
)


def test_a_hard_wrapped_sentence_is_one_sentence_spanning_its_line_breaks() -> None:
    found = sentences(HARD_WRAPPED)
    assert [s.text for s in found] == [
        "The survey went to every team in the spring.",
        "More than half of the respondents said that the new rota had improved their working "
        "conditions [1].",
        "A third asked for longer breaks.",
    ]
    second = found[1]
    assert "\n" in HARD_WRAPPED[second.start : second.end]  # the span runs over the wraps
    assert HARD_WRAPPED[second.start : second.end].endswith("conditions [1].")


def test_a_wrapped_line_that_goes_on_with_a_capital_is_joined() -> None:
    text = (
        "The committee approved the budget for the new library building in\n"
        "Springfield after a long debate about the costs of the project.\n"
    )
    assert len(sentences(text)) == 1


def test_a_wrapped_cjk_sentence_joins_without_a_space() -> None:
    text = (
        "北京是中华人民共和国的首都，也是全国的政治中心和文化中心，\n有着三千多年的建城史。第二句。"
    )
    assert _texts(text) == [
        "北京是中华人民共和国的首都，也是全国的政治中心和文化中心，有着三千多年的建城史。",
        "第二句。",
    ]


def test_blank_lines_lists_key_values_headings_and_tables_start_new_units() -> None:
    text = (
        "# Project Alpha\n"
        "Owner: Anna\n"
        "Deadline: 12. Juli 2025\n"
        "- order the tents\n"
        "- book the band\n"
        "1. first step\n"
        "2) second step\n"
        "| item | cost |\n"
        "A short title\n"
        "\n"
        "the next paragraph starts in lower case\n"
    )
    assert _texts(text) == [
        "# Project Alpha", "Owner: Anna", "Deadline: 12. Juli 2025", "- order the tents",
        "- book the band", "1. first step", "2) second step", "| item | cost |", "A short title",
        "the next paragraph starts in lower case",
    ]  # fmt: skip


def test_short_lines_that_end_no_sentence_stay_apart() -> None:
    assert _texts("Annual Report\nThe year went well.") == ["Annual Report", "The year went well."]


def test_a_list_item_wrapped_onto_a_lower_case_line_is_one_unit() -> None:
    text = "- order the tents from the rental\n  company before the end of May\n- book the band"
    assert _texts(text) == [
        "- order the tents from the rental company before the end of May",
        "- book the band",
    ]


def test_every_line_ends_a_sentence_when_the_text_is_not_wrapped() -> None:
    assert _texts("Revenue rose\nand costs fell.", wrapped=False) == [
        "Revenue rose",
        "and costs fell.",
    ]


def test_clauses_cut_after_semicolons_and_colons() -> None:
    text = "Three risks: supply; demand; rates. 风险一；风险二。"
    assert _texts(text, clauses=True) == [
        "Three risks:",
        "supply;",
        "demand;",
        "rates.",
        "风险一；",
        "风险二。",
    ]
    assert _texts(text) == ["Three risks: supply; demand; rates.", "风险一；风险二。"]


def test_attached_markers_stay_with_the_sentence_they_follow() -> None:
    markers = re.compile(r"(?:\s*\[\d+\])+")
    text = "It holds 1.7 litres. [1][2] Also 2200 W.[3] Call us."
    assert _texts(text, attach=markers) == [
        "It holds 1.7 litres. [1][2]",
        "Also 2200 W.[3]",
        "Call us.",
    ]


@pytest.mark.parametrize(
    ("line", "unit"),
    [("Owner: Anna", True), ("负责人：安娜", True), ("- item", True), ("12. Juli", True),
     ("## Heading", True), ("| a | b |", True), ("respondents said: yes", False),
     ("However, as noted: the", False), ("The plain sentence.", False)],
)  # fmt: skip
def test_lines_that_start_a_unit(line: str, unit: bool) -> None:
    assert starts_unit(line) is unit


def test_first_sentence_needs_a_sentence_mark() -> None:
    assert (
        first_sentence("Dr. Smith arrived at 9.30 today. He left.")
        == "Dr. Smith arrived at 9.30 today."
    )
    assert first_sentence("A heading without an end") is None
    assert first_sentence("") is None


def test_odd_input_does_not_crash() -> None:
    for text in ["", "\n\n", ".", "...", "。。。", " . . ", "\n- \n", "[1]", "a.b.c.", "1."]:
        found = sentences(text)
        assert all(text[s.start : s.end].strip() for s in found)


def test_an_abbreviation_before_a_bracket_goes_on() -> None:
    text = "We acquired 1Life Healthcare, Inc. (“One Medical”), for cash. It closed in May."
    assert _texts(text) == [
        "We acquired 1Life Healthcare, Inc. (“One Medical”), for cash.",
        "It closed in May.",
    ]
