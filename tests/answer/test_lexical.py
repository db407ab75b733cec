"""Evidence scores by shared text, for questions the English cross-encoder cannot read."""

from __future__ import annotations

from sourcewise.core.answer.evidence import EvidenceSelector
from sourcewise.core.answer.lexical import pieces, shared_text_scores
from sourcewise.core.testing import OverlapReranker
from sourcewise.core.types import SearchHit


def _hit(text: str) -> SearchHit:
    return SearchHit(rank=1, score=1.0, path="/d/notes.md", page=None, chunk_id=1, heading="",
                     text=text, start=0, end=len(text), document_id=1)  # fmt: skip


def test_an_inflected_word_shares_pieces_with_the_questions_form() -> None:
    # "Лютера" (genitive) and "Лютер": no whole word in common, most of their pieces.
    assert {" лю", "лют", "юте", "тер"} <= pieces("Лютера") & pieces("Лютер")


def test_an_arabic_word_with_its_article_joined_shares_the_words_pieces() -> None:
    assert {"مصد", "صدر", "در "} <= pieces("المصدر") & pieces("مصدر")


def test_chinese_runs_are_read_as_character_pairs() -> None:
    assert {"专利", "资助"} <= pieces("特斯拉用他的专利资助工作")


def test_the_sentence_holding_the_questions_words_inflected_scores_first() -> None:
    # Each shares one whole word ("учёные", "Лютера"); only the second also has "записка"
    # for "записку". By whole words the two tie and the first one wins.
    question = "Какую записку Лютера нашли учёные?"
    texts = [
        "Учёные долго спорили о Виттенберге.",
        "Позднее была найдена записка Лютера с последними словами.",
        "Церковь стояла рядом с университетом.",
    ]
    scores = shared_text_scores(question, texts)
    assert max(range(3), key=scores.__getitem__) == 1


def test_a_rare_shared_word_outweighs_words_every_candidate_has() -> None:
    # Each text shares two words with the question; "Digital" and "стартовал" are in one only.
    question = "Когда стартовал сервис Sky Digital?"
    texts = ["Сервис Sky Movies работает давно.", "Сервис Sky News работает давно.",
             "Digital стартовал в 1998 году."]  # fmt: skip
    scores = shared_text_scores(question, texts)
    assert scores[2] > 2 * max(scores[:2])


def test_a_russian_question_gets_the_inflected_answer_sentence_as_best_evidence() -> None:
    # The English cross-encoder is never asked to read Cyrillic: the selector scores by
    # shared pieces, and the answering sentence is the best unit, the one the sources panel
    # highlights.
    text = (
        "Учёные долго спорили о Виттенберге. Церковь стояла рядом с университетом. "
        "Позднее была найдена записка Лютера с последними словами."
    )
    selector = EvidenceSelector(OverlapReranker(), len, budget_tokens=2000, margin=100.0)
    [evidence] = selector.select("Какую записку Лютера нашли учёные?", [_hit(text)])
    assert text[evidence.best[0] : evidence.best[1]].startswith("Позднее была найдена записка")
