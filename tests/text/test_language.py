"""The question's language, read from its script or its function words."""

from __future__ import annotations

import pytest

from sourcewise.core.text.language import latin_script, question_language


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("When is the company summer party?", None),
        ("Wann findet das Sommerfest statt?", "German"),
        ("Bis wann muss man sich für das Sommerfest anmelden?", "German"),
        ("¿Quién interpretó el himno nacional?", "Spanish"),
        ("新版本的发布日期推迟到什么时候？", "Chinese"),
        ("暗証番号はどこですか", "Japanese"),
        ("متى تأسست الجامعة؟", "Arabic"),
        ("Когда был основан университет?", "Russian"),
        ("विश्वविद्यालय की स्थापना कब हुई?", "Hindi"),
        ("iPhone", None),  # too little to tell: the prompts stay English
        ("What is fully understood about γδ T cells?", None),  # two Greek letters name a thing
        ("What does cytokine TGF-β encourage the activity of?", None),
        ("Какова выручка Apple за квартал?", "Russian"),
        ("Τι έκανε το Tesla Electric Light & Manufacturing;", "Greek"),
    ],
)
def test_the_language_of_a_question(question: str, language: str | None) -> None:
    assert question_language(question) == language


def test_only_latin_script_is_read_by_the_english_cross_encoder() -> None:
    assert latin_script("Wann findet das Sommerfest statt?")
    assert not latin_script("谁负责制定测试计划？")
    assert not latin_script("What does 暗証番号 mean?")  # mixed: the Japanese word is the point
    assert latin_script("What does cytokine TGF-β encourage the activity of?")


@pytest.mark.parametrize(
    ("question", "language"),
    [
        # "was" and "in" are English words too: counting function words tied, and said English.
        ("Was hat Iqbal in England und Deutschland studiert?", "German"),
        ("Iqbal İngiltere ve Almanya'da ne okudu?", "Turkish"),
        ("Ce a studiat Iqbal în Anglia și Germania?", "Romanian"),
        ("Quand la fête d'été de l'entreprise a-t-elle lieu ?", "French"),
        ("What was Apple's total net sales in the quarter ended July 1, 2023?", None),
        ("In welcher Sprache war der größte Teil der Erklärung verfasst?", "German"),
    ],
)
def test_latin_script_languages_are_told_apart_where_they_share_words(
    question: str, language: str | None
) -> None:
    assert question_language(question) == language
