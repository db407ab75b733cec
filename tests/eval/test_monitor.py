"""The answer log behind ``Engine.answers.ask``, ``sourcewise report`` and its gold export."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from sourcewise.core.errors import SourcewiseError
from sourcewise.core.eval.answer_report import Period, summarize, week_of
from tests.answer.conftest import fake_engine
from tests.eval.conftest import run

WARRANTY_Q = "How long is the warranty of the Falcon X2 drone?"


def _ask_and_rate(home: Path, corpus: Path) -> None:
    engine = fake_engine(home)
    engine.library.index([corpus])
    chats = engine._parts.chats
    conv = chats.create()
    for question, rating in ((WARRANTY_Q, 1), ("What is the hotel rate in London?", -1)):
        answer = engine.answers.ask(question)
        chats.append(conv, "user", question)
        message = chats.append_answer(conv, answer)
        chats.rate(message, rating, "wrong city" if rating < 0 else "")
    engine.answers.ask("A question asked without a chat")
    engine.close()


def test_every_ask_is_logged_and_linked_to_its_feedback(tmp_path: Path, corpus: Path) -> None:
    home = tmp_path / "home"
    _ask_and_rate(home, corpus)
    engine = fake_engine(home)
    try:
        rows = engine.answers.log()
    finally:
        engine.close()
    assert rows[0].question == WARRANTY_Q and len(rows) == 3
    first = rows[0]
    assert first.model == "echo" and first.adapter is None and first.top_score is not None
    assert first.total_ms > 0 and [r.rating for r in rows] == [1, -1, None]
    overall, weeks = summarize(rows)
    assert overall.answers == 3 and overall.thumbs_up == 1 and overall.thumbs_down == 1
    assert overall.thumbs_up_rate == 0.5 and overall.abstention_rate == 0.0
    assert [w.label for w in weeks] == [week_of(time.time())]


def test_feedback_lands_on_the_answer_it_names_even_when_texts_are_equal(
    tmp_path: Path, corpus: Path
) -> None:
    """The same words answered twice (as every abstention is): one asked on the command line,
    one in a chat and rated there. The rating must land on the chat's answer; matching by
    answer text gave it to the first."""
    engine = fake_engine(tmp_path / "home")
    try:
        engine.library.index([corpus])
        chats = engine._parts.chats
        conv = chats.create()
        first, second = engine.answers.ask(WARRANTY_Q), engine.answers.ask(WARRANTY_Q)
        assert first.answer == second.answer
        assert first.log_id is not None and second.log_id == first.log_id + 1
        message = chats.append_answer(conv, second)
        engine.answers.feedback(rating=-1, comment="the chat's rating", message_id=message)
        api = engine.answers.ask("Asked through the API?")
        assert api.log_id is not None
        engine.answers.feedback(rating=1, comment="by id", log_id=api.log_id)
        rows = engine.answers.log()
        assert [m.rating for m in chats.messages(conv)] == [-1]
    finally:
        engine.close()
    assert [(r.rating, r.comment) for r in rows] == [
        (None, ""), (-1, "the chat's rating"), (1, "by id")]  # fmt: skip


def test_feedback_on_an_unknown_answer_is_a_clear_error(tmp_path: Path) -> None:
    engine = fake_engine(tmp_path / "home")
    try:
        with pytest.raises(SourcewiseError, match="no answer with id 99"):
            engine.answers.feedback(rating=1, log_id=99)
        with pytest.raises(SourcewiseError, match="no message with id 7"):
            engine.answers.feedback(rating=1, message_id=7)
        with pytest.raises(SourcewiseError, match=r"\+1 or -1"):
            engine.answers.feedback(rating=5, log_id=1)
        for named in ({}, {"log_id": 1, "message_id": 1}):
            with pytest.raises(ValueError, match="one of log_id, message_id"):
                engine.answers.feedback(rating=1, **named)
    finally:
        engine.close()


def test_week_periods_by_hand() -> None:
    assert week_of(time.mktime((2024, 1, 3, 12, 0, 0, 0, 0, -1))) == "2024-W01"
    assert Period("x").answers == 0


def test_report_cli_summary_and_gold_export(tmp_path: Path, corpus: Path) -> None:
    home = tmp_path / "home"
    _ask_and_rate(home, corpus)
    code, stdout = run(home, "report", "--json")
    assert code == 0
    data = json.loads(stdout)
    assert data["overall"]["answers"] == 3 and data["overall"]["thumbs_down"] == 1
    assert len(data["weeks"]) == 1 and data["overall"]["models"] == {"echo": 3}
    code, stdout = run(home, "report")
    assert code == 0 and "answers" in stdout and "all" in stdout
    code, stdout = run(home, "report", "--since", "2999-01-01", "--json")
    assert json.loads(stdout)["overall"]["answers"] == 0
    out = tmp_path / "next-gold.jsonl"
    code, stdout = run(home, "report", "--export-gold", str(out))
    assert code == 0 and "wrote 1 poorly rated" in stdout
    [line] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line["question"] == "What is the hotel rate in London?" and line["reviewed"] is False
    assert line["comment"] == "wrong city" and line["rejected_answer"]
