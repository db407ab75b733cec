"""The shipped pipeline end to end on the real default models (``-m real``): bge-small-en, the
cross-encoder and the default chat model answer a planted fact with a supported citation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sourcewise.core import paths
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings

pytestmark = pytest.mark.real

FACT = "The zebra-lantern protocol number is 4711."
FILLER = [
    "The depot at Harbour Road handles parcels for the northern region.",
    "Visitors sign in at the front desk and wear a badge at all times.",
    "The canteen serves lunch from noon until two o'clock on weekdays.",
]


def _models_dir() -> Path:
    chosen = os.environ.get("SOURCEWISE_MODELS_DIR")
    found = Path(chosen) if chosen else paths.bundled_models_dir()
    if found is None:
        pytest.skip("no installed models folder")
    return found


def _planted(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "protocols.md").write_text("# Protocols\n\n" + " ".join([*FILLER[:2], FACT]))
    (docs / "site.md").write_text("# Site\n\n" + " ".join(FILLER))
    return docs


def test_a_planted_fact_is_answered_with_a_supported_citation(tmp_path: Path) -> None:
    docs = _planted(tmp_path)
    engine = build_engine(Settings(home=tmp_path / "home", models_dir=_models_dir(),
                                   index={"parse_mode": "thread"}))  # fmt: skip
    try:
        engine.library.index([docs])
        answer = engine.answers.ask("What is the zebra-lantern protocol number?")
        assert not answer.abstained, answer.reason
        assert "4711" in answer.answer and not answer.uncited
        cite = answer.citations[0]
        assert cite.path.endswith("protocols.md") and cite.supported is True
        assert "4711" in cite.quote
        off_topic = engine.answers.ask("What colour are the wings of the Martian butterfly?")
        assert off_topic.abstained and off_topic.answer.startswith("The documents don't cover")
    finally:
        engine.close()


def test_the_bundled_adapter_answers_a_planted_fact_and_judges_with_its_threshold(
    tmp_path: Path,
) -> None:
    """The 0.5B model runs with its bundled RAFT adapter (manifest ``adapter``) and the
    answerability threshold its card records; the planted fact is answered and cited."""
    models_dir = _models_dir()
    if not (models_dir / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf").is_file():
        pytest.skip("qwen2.5-coder-0.5b is not installed")
    docs = _planted(tmp_path)
    settings = Settings(home=tmp_path / "home", models_dir=models_dir,
                        index={"parse_mode": "thread"}, llm={"model": "qwen2.5-coder-0.5b"})  # fmt: skip
    engine = build_engine(settings)
    try:
        assert engine._parts.require_chat_model().name == "qwen2.5-coder-0.5b+squad-raft-0.5b"
        engine.library.index([docs])
        answer = engine.answers.ask("What is the zebra-lantern protocol number?")
        assert not answer.abstained, answer.reason
        assert answer.answerable is not None and answer.answerable >= 0.5  # the card's check ran
        assert "4711" in answer.answer and not answer.uncited
        cite = answer.citations[0]
        assert cite.path.endswith("protocols.md") and cite.supported is True
    finally:
        engine.close()
