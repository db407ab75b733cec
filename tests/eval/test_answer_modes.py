"""A new answer mode is one class plus one registry line: registered here (and nowhere else),
a toy mode is routed, answered through ``engine.answers.ask`` and measured by ``sourcewise eval``
(the registry's one line is the ``clock`` fixture; no product file names the mode)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcewise.core.answer import modes
from sourcewise.core.answer.modes import Call
from sourcewise.core.answer.routing import Route
from sourcewise.core.engine import Engine
from sourcewise.core.eval.gold import GoldItem
from sourcewise.core.eval.runner import evaluate
from sourcewise.core.settings import Settings
from sourcewise.core.testing import EchoChatModel
from sourcewise.core.types import READING_MODES, Answer, AskOptions, Citation
from tests.answer.conftest import fake_engine

CLOCK_REPLY = "It is time to check the warranty [1]."


class ClockMode:
    """Answers "what time is it" with a fixed reply citing the best passage."""

    name = "clock"

    def route(self, question: str, call: Call) -> Route | None:
        if call.forced == "auto" and re.search(r"\bwhat time is it\b", question, re.I):
            return Route(self.name, "answer", "a question about the time")
        return None

    def answer(self, question: str, route: Route, call: Call) -> Answer:
        [hit] = call.search("warranty", 1, call.scope)
        if call.options.on_token is not None:
            call.options.on_token(CLOCK_REPLY)
        cite = Citation(1, hit.path, hit.page, hit.chunk_id, hit.text)
        return Answer(question, CLOCK_REPLY, [cite], standalone_query=question, mode=self.name,
                      reason=route.reason)  # fmt: skip


@pytest.fixture
def clock() -> Iterator[ClockMode]:
    registry = list(modes.MODES)
    mode = modes.register(ClockMode())  # the one registry line a new mode adds
    yield mode
    modes.MODES[:] = registry


@pytest.fixture
def engine(tmp_path: Path, corpus: Path) -> Iterator[Engine]:
    engine = fake_engine(tmp_path / "home", EchoChatModel(p_yes=0.9))
    engine.library.index([corpus])
    yield engine
    engine.close()


def test_the_registry_asks_the_new_mode_before_the_passage_fallback(clock: ClockMode) -> None:
    names = [m.name for m in modes.MODES]
    assert names[-1] == "passages" and names.index("clock") < names.index("passages")
    assert "document" in names


def test_a_registered_mode_is_routed_and_answers_through_engine_ask(
    clock: ClockMode, engine: Engine
) -> None:
    streamed: list[str] = []
    answer = engine.answers.ask("What time is it?", AskOptions(on_token=streamed.append))
    assert (answer.mode, answer.answer, streamed) == ("clock", CLOCK_REPLY, [CLOCK_REPLY])
    assert answer.citations[0].path.endswith(".pdf") or answer.citations[0].path
    assert answer.log_id is not None  # logged like any answer
    other = engine.answers.ask("How long is the warranty of the Falcon X2 drone?")
    assert other.mode == "passages"  # the other questions go where they went before
    forced = engine.answers.ask("What time is it?", AskOptions(mode="passages"))
    assert forced.mode == "passages"  # a forced mode still decides


def test_eval_runs_the_same_router_without_logging(clock: ClockMode, engine: Engine) -> None:
    items = [GoldItem("t", "What time is it?", answer="time to check the warranty")]
    [rag] = evaluate(engine, items, k=3).modes
    assert rag.rows[0].answer == CLOCK_REPLY
    assert engine.answers.log() == []  # eval questions are not logged


def test_without_the_registry_line_the_question_goes_to_the_passages(engine: Engine) -> None:
    assert "clock" not in [m.name for m in modes.MODES]
    assert engine.answers.ask("What time is it?").mode == "passages"


def test_the_modes_a_user_may_force_are_the_built_in_ones() -> None:
    """reading.mode, --mode and ask(mode=) read types.READING_MODES: "auto" and the names of
    the modes registered in the product."""
    assert set(READING_MODES) == {"auto", *(m.name for m in modes.MODES)}
    with pytest.raises(ValueError, match="mode"):
        Settings(reading={"mode": "clock"})  # a test's toy mode is routed, never forced
