"""Each degenerate generation quoted in issue 11, produced by a scripted fake, is repaired."""

from __future__ import annotations

from pathlib import Path

from sourcewise.core.answer import prompts
from sourcewise.core.testing import ScriptedChatModel
from sourcewise.core.types import AskOptions
from tests.answer.conftest import WARRANTY, fake_engine

QUESTION = "How long is the warranty of the Falcon X2 drone?"


def _ask(
    tmp_path: Path, docs: Path, reply: str, *, verify: bool = True
) -> tuple[object, list[str]]:
    engine = fake_engine(tmp_path / "home", ScriptedChatModel(reply))
    engine.settings.answer.verify = verify
    engine.library.index([docs])
    streamed: list[str] = []
    answer = engine.answers.ask(QUESTION, AskOptions(on_token=streamed.append))
    engine.close()
    return answer, streamed


def test_a_source_dump_is_never_shown_and_the_best_sentence_is_quoted(
    tmp_path: Path, docs: Path
) -> None:
    dump = "[1] falcon.pdf, page 2\nThe Falcon X2 drone carries ... [2] notice.txt\nIgnore ..."
    answer, streamed = _ask(tmp_path, docs, dump)
    assert "[1] falcon.pdf" not in "".join(streamed) and "[1] falcon.pdf" not in answer.answer  # type: ignore[attr-defined]
    assert "18 months" in answer.answer and answer.citations  # type: ignore[attr-defined]
    assert "repeated its sources" in answer.reason  # type: ignore[attr-defined]


def test_markers_only_becomes_a_quoted_answer(tmp_path: Path, docs: Path) -> None:
    answer, _ = _ask(tmp_path, docs, "[1] [2] [3] [4] [5]")
    assert "18 months" in answer.answer and not answer.uncited  # type: ignore[attr-defined]
    assert answer.citations[0].path.endswith("falcon.pdf")  # type: ignore[attr-defined]


def test_a_fact_followed_by_not_covered_keeps_the_fact(tmp_path: Path, docs: Path) -> None:
    answer, _ = _ask(
        tmp_path, docs, "The warranty lasts 18 months [1]. The documents do not cover it."
    )
    assert answer.answer == "The warranty lasts 18 months [1]."  # type: ignore[attr-defined]
    assert not answer.abstained  # type: ignore[attr-defined]


def test_a_loop_is_cut_at_the_first_repeat(tmp_path: Path, docs: Path) -> None:
    answer, _ = _ask(tmp_path, docs, "The warranty lasts 18 months [1]. " * 30)
    assert answer.answer == "The warranty lasts 18 months [1]."  # type: ignore[attr-defined]
    assert "repeating" in answer.reason  # type: ignore[attr-defined]


def test_a_prose_citation_becomes_a_marker(tmp_path: Path, docs: Path) -> None:
    answer, _ = _ask(
        tmp_path, docs, "The sources cite falcon.pdf, page 2: 18 months from purchase."
    )
    assert "[1]" in answer.answer and not answer.uncited  # type: ignore[attr-defined]
    assert answer.citations[0].page == 2  # type: ignore[attr-defined]


def test_an_answer_citing_nothing_is_flagged_uncited(tmp_path: Path, docs: Path) -> None:
    answer, _ = _ask(tmp_path, docs, "Penguins are flightless birds of the south.")
    assert answer.uncited and answer.citations == []  # type: ignore[attr-defined]


def test_the_models_own_decline_is_an_abstention_with_nearest_passages(
    tmp_path: Path, docs: Path
) -> None:
    answer, streamed = _ask(tmp_path, docs, "The documents do not cover this.", verify=False)
    assert answer.abstained and answer.answer.startswith(prompts.ABSTAIN)  # type: ignore[attr-defined]
    assert any(WARRANTY in " ".join(h.text.split()) for h in answer.nearest)  # type: ignore[attr-defined]
    assert "".join(streamed) == answer.answer  # type: ignore[attr-defined]  # shown once, with why


def test_a_decline_after_the_check_found_the_answer_quotes_the_best_sentence(
    tmp_path: Path, docs: Path
) -> None:
    answer, streamed = _ask(tmp_path, docs, "The documents do not cover this.")  # P(Yes) 0.9
    assert not answer.abstained and "18 months" in answer.answer  # type: ignore[attr-defined]
    assert answer.answer.endswith("[1]") and answer.citations[0].supported is not False  # type: ignore[attr-defined]
    assert "answerability check found the answer" in answer.reason  # type: ignore[attr-defined]
    assert "cover" not in "".join(streamed)  # the held-back decline never showed


def test_a_quote_for_a_german_question_opens_in_german(tmp_path: Path, docs: Path) -> None:
    engine = fake_engine(tmp_path / "home", ScriptedChatModel("[1] [2] [3]"))
    engine.library.index([docs])
    answer = engine.answers.ask("Wie lange gilt die Garantie für die Falcon X2 Drohne?")
    engine.close()
    assert answer.answer.startswith('Die passendste Stelle lautet: "'), answer.answer
    assert not answer.abstained and answer.citations


def test_a_reply_that_says_the_question_back_gets_the_best_sentence_after_it(
    tmp_path: Path, docs: Path
) -> None:
    """The 1.5B model answered "Wie nannte Luther die Messe anstelle von Opfer?" with "Luther
    nannte die Messe anstelle von Opfer [1]." (XQuAD tune half): no answer in it. The best
    sentence follows, and the stream shows the same text as the answer."""
    restated = "The warranty of the Falcon X2 drone is [1]."
    answer, streamed = _ask(tmp_path, docs, restated)
    assert answer.answer.startswith("The warranty of the Falcon X2 drone is")  # type: ignore[attr-defined]
    assert "18 months" in answer.answer and answer.citations  # type: ignore[attr-defined]
    assert "said the question back" in answer.reason  # type: ignore[attr-defined]
    assert "".join(streamed).split() == answer.answer.split()  # type: ignore[attr-defined]


def test_a_reply_in_the_question_words_that_adds_the_answer_is_kept(
    tmp_path: Path, docs: Path
) -> None:
    reply = "The warranty of the Falcon X2 drone is 18 months [1]."
    answer, _ = _ask(tmp_path, docs, reply)
    assert answer.answer == reply and not answer.reason  # type: ignore[attr-defined]
