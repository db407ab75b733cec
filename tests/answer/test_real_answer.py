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


def test_a_planted_fact_is_answered_with_a_supported_citation(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "protocols.md").write_text("# Protocols\n\n" + " ".join([*FILLER[:2], FACT]))
    (docs / "site.md").write_text("# Site\n\n" + " ".join(FILLER))
    engine = build_engine(Settings(home=tmp_path / "home", models_dir=_models_dir(),
                                   index={"parse_mode": "thread"}))  # fmt: skip
    try:
        engine.index([docs])
        answer = engine.ask("What is the zebra-lantern protocol number?")
        assert not answer.abstained, answer.reason
        assert "4711" in answer.answer and not answer.uncited
        cite = answer.citations[0]
        assert cite.path.endswith("protocols.md") and cite.supported is True
        assert "4711" in cite.quote
        off_topic = engine.ask("What colour are the wings of the Martian butterfly?")
        assert off_topic.abstained and off_topic.answer.startswith("The documents don't cover")
    finally:
        engine.close()
