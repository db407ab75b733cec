"""Feedback by answer id from the command line: ``ask`` names its answer, ``feedback`` rates it,
``chat``'s /up and /down rate the last answer, and ``report`` counts them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcewise.core.errors import SourcewiseError
from tests.cli.test_answer_cli import indexed, run

QUESTION = "How long is the warranty of the Falcon X2 drone?"


def _report(home: Path) -> dict[str, object]:
    code, out = run(home, "report", "--json")
    assert code == 0
    overall = json.loads(out)["overall"]
    assert isinstance(overall, dict)
    return overall


def test_ask_gives_an_answer_id_that_feedback_rates(tmp_path: Path, docs: Path) -> None:
    home = indexed(tmp_path, docs)
    ids = []
    for _ in range(2):  # the same answer twice: the rating must land on the one named
        code, out = run(home, "ask", QUESTION, "--json")
        assert code == 0
        ids.append(json.loads(out)["answer_id"])
    assert isinstance(ids[0], int) and ids[1] == ids[0] + 1
    code, out = run(home, "feedback", str(ids[1]), "down", "--comment", "too vague")
    assert code == 0 and f"rated answer {ids[1]} down" in out
    overall = _report(home)
    assert (overall["answers"], overall["thumbs_down"], overall["thumbs_up"]) == (2, 1, 0)
    with pytest.raises(SourcewiseError, match="no answer with id 999"):
        run(home, "feedback", "999", "up")  # an error, not a silent no-op


def test_chat_up_and_down_rate_the_last_answer(tmp_path: Path, docs: Path) -> None:
    home = indexed(tmp_path, docs)
    script = f"/up\n{QUESTION}\n/down wrong battery\n{QUESTION}\n/up\n"
    code, out = run(home, "chat", input=script)
    assert code == 0 and "no answer to rate yet" in out
    assert "(rated answer 1 down)" in out and "(rated answer 2 up)" in out
    overall = _report(home)
    assert (overall["thumbs_down"], overall["thumbs_up"]) == (1, 1)
