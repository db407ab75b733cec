"""Declines in the question's language, the reason too (issue 23, item 4): asked in Chinese or
Russian, "The passages found are on the topic but do not state the answer." was said in English
after a localised opening. And the English cross-encoder's gate declines only English questions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.answer.language import NOT_COVERED, NOT_STATED, REASONS, in_english, reason_in
from sourcewise.core.testing import EchoChatModel, ScriptedChatModel
from sourcewise.core.types import AskOptions
from tests.answer.conftest import fake_engine

NOTES = {
    "sommerfest.md": "# Sommerfest\n\nDas Sommerfest findet am 12. Juli 2025 im Stadtpark statt.\n",
    "年会.md": "# 年会\n\n公司年会将于2025年12月20日在上海举行。\n",
    "отпуск.md": "# Отпуск\n\nСотрудники получают двадцать восемь дней отпуска в году.\n",
}
# A question each note is on the topic of but does not answer: the judge says no.
DECLINED = [
    ("Wie viel kostet der Eintritt zum Sommerfest?", "German"),
    ("公司年会的门票多少钱？", "Chinese"),
    ("Сколько стоит отпуск сотрудника?", "Russian"),
]


@pytest.mark.parametrize(("question", "language"), DECLINED)
def test_a_decline_is_said_wholly_in_the_question_language(
    tmp_path: Path, question: str, language: str
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    engine = fake_engine(tmp_path / "home", EchoChatModel(p_yes=0.1))
    engine.settings.answer.answerable_threshold = 0.65  # judged, as the default model is
    engine.library.index([folder])
    try:
        answer = engine.answers.ask(question)
    finally:
        engine.close()
    assert answer.abstained
    said = f"{NOT_COVERED[language]} {REASONS[NOT_STATED][language]}"
    assert answer.answer == said, answer.answer
    assert "passages" not in answer.answer  # no English left in it
    assert answer.reason == NOT_STATED  # the reason the desktop shows under its English heading


def test_every_decline_language_says_every_reason() -> None:
    for reason, said in REASONS.items():
        assert set(said) == set(NOT_COVERED), reason
        assert all(text != reason and text.strip() for text in said.values()), reason


def test_an_english_or_unknown_language_keeps_the_english_reason() -> None:
    assert reason_in(NOT_STATED, None) == NOT_STATED
    assert reason_in(NOT_STATED, "Klingon") == NOT_STATED
    assert reason_in("A reason no table knows.", "German") == "A reason no table knows."


def test_the_english_cross_encoder_gate_declines_only_english_questions(tmp_path: Path) -> None:
    """The retrieval gate's threshold is calibrated on English: a German question the English
    cross-encoder scores low goes on to the judge (as a Chinese one, never cross-encoded,
    does); the English question scored as low is still declined by the gate."""
    from sourcewise.core.answer.language import NOT_CLOSE
    from sourcewise.core.testing import OverlapReranker

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "sommerfest.md").write_text(NOTES["sommerfest.md"], encoding="utf-8")
    model = EchoChatModel(p_yes=0.9)
    engine = fake_engine(tmp_path / "home", model, reranker=OverlapReranker())
    engine.settings.answer.answerable_threshold = 0.65
    engine.library.index([folder])
    try:
        german = engine.answers.ask("Um welche Uhrzeit beginnt die Feier im Stadtpark?")
        english = engine.answers.ask("At what time does the party begin in the Stadtpark?")
    finally:
        engine.close()
    assert not german.abstained, german.answer
    assert "Stadtpark" in german.answer and model.judged  # read and judged, not gated
    assert english.abstained and english.reason == NOT_CLOSE


def test_an_english_reply_to_a_german_question_is_followed_by_the_german_source(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "sommerfest.md").write_text(NOTES["sommerfest.md"], encoding="utf-8")
    reply = "The summer party is held in the city park on 12 July 2025 [1]."
    engine = fake_engine(tmp_path / "home", ScriptedChatModel(reply))
    engine.library.index([folder])
    streamed: list[str] = []
    try:
        answer = engine.answers.ask(
            "Wann findet das Sommerfest statt?", AskOptions(on_token=streamed.append)
        )
    finally:
        engine.close()
    assert answer.answer == (
        f'{reply} Die passendste Stelle lautet: "Das Sommerfest findet am 12. Juli 2025 im '
        'Stadtpark statt." [1]'
    )
    assert answer.reason.startswith("The model answered in English")
    assert " ".join("".join(streamed).split()) == answer.answer  # what streamed is the answer


@pytest.mark.parametrize(
    ("reply", "english"),
    [
        ("Iqbal studied law and philosophy in England and Germany. [1]", True),
        ("Marconi schickte zuerst Funkwellen über den Atlantik. [1]", False),
        ("Guglielmo Marconi [1].", False),  # names only: no language to tell
        ("Sky Digital started in 1998 [1].", True),  # one English function word, still English
        ("El Banco Central Europeo [1].", False),
        ("公司年会将于2025年12月20日举行。[1]", False),
    ],
)
def test_an_answer_is_told_english_by_its_words(reply: str, english: bool) -> None:
    assert in_english(reply) is english
