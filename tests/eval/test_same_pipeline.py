"""``sourcewise eval`` measures the pipeline the product runs: for the same question and
settings it gives exactly the answer ``ask`` gives, judge threshold and routing included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sourcewise.core.answer.answerer import Answerer
from sourcewise.core.engine import Engine
from sourcewise.core.eval.gold import GoldItem
from sourcewise.core.eval.modes import AdapterEngines, asker
from sourcewise.core.eval.runner import evaluate
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from sourcewise.core.types import Answer
from tests.answer.conftest import fake_engine

WARRANTY = "How long is the warranty of the Falcon X2 drone?"
QUESTIONS = [
    WARRANTY,
    "After how many cycles should a Falcon X2 battery be replaced?",
    "Who painted the Mona Lisa?",
    "Summarize the falcon handbook",  # routed to whole-document reading
]
CALIBRATED = "qwen2.5-coder-1.5b"  # its manifest entry: answerable_threshold = 0.65


def _engine(home: Path, corpus: Path, p_yes: float) -> tuple[Engine, EchoChatModel]:
    model = EchoChatModel(p_yes=p_yes)
    engine = fake_engine(home, model)
    engine.settings.llm.model = CALIBRATED  # the echo model answers; the manifest judges
    engine.library.index([corpus])
    return engine, model


def _shown(answer: Answer) -> tuple[Any, ...]:
    """What a reader of the answer sees (and eval scores)."""
    cites = [(c.n, c.path, c.page, c.chunk_id, c.text, c.supported) for c in answer.citations]
    return answer.answer, cites, answer.abstained, answer.mode, answer.reason


@pytest.mark.parametrize("p_yes", [0.5, 0.9], ids=["declined-by-the-threshold", "answered"])
def test_eval_answers_exactly_as_ask(tmp_path: Path, corpus: Path, p_yes: float) -> None:
    engine, model = _engine(tmp_path / "home", corpus, p_yes)
    try:
        evaluated = [asker(engine, "rag")(q, None) for q in QUESTIONS]
        assert engine.answers.log() == []  # eval questions are not logged
        asked = [engine.answers.ask(q) for q in QUESTIONS]
        assert [_shown(a) for a in evaluated] == [_shown(a) for a in asked]
        assert len(engine.answers.log()) == len(QUESTIONS)
        assert asked[-1].mode == "document"  # the routing is part of what is compared
        warranty = asked[0]
        # The fake's P(yes) is below the product's threshold (0.65) or above it: the threshold
        # decides, and an answerer built without it (eval's old one) answers regardless.
        assert warranty.abstained == (p_yes < 0.65)
        assert warranty.answerable is not None and abs(warranty.answerable - p_yes) < 1e-6
        unjudged = Answerer(
            engine.settings, model, engine.library.search, engine._parts.reranker
        ).ask(WARRANTY)
        assert not unjudged.abstained and unjudged.answerable is None
    finally:
        engine.close()


def test_the_eval_report_scores_the_products_decisions(tmp_path: Path, corpus: Path) -> None:
    engine, _ = _engine(tmp_path / "home", corpus, 0.5)
    try:
        items = [GoldItem(f"q{i}", q) for i, q in enumerate(QUESTIONS[:2])]
        [rag] = evaluate(engine, items, k=3).modes
        assert [row.abstained for row in rag.rows] == [True, True]
        assert engine.answers.log() == []
    finally:
        engine.close()


def test_each_mode_is_judged_with_its_own_models_threshold(tmp_path: Path, corpus: Path) -> None:
    """lora+rag runs the adapter's model, in an engine of its own over the same library: its
    card's threshold judges, not the base model's."""
    engine, _ = _engine(tmp_path / "home", corpus, 0.6)
    adapters = tmp_path / "models" / "adapters"
    adapters.mkdir(parents=True)
    (adapters / "reader.gguf").write_bytes(b"GGUF")
    (adapters / "reader.json").write_text('{"answerable_threshold": 0.55}', encoding="utf-8")
    engine.settings.models_dir = tmp_path / "models"
    tuned = EchoChatModel(p_yes=0.6)
    built: list[Settings] = []

    def build(settings: Settings) -> Engine:
        built.append(settings)
        return build_engine(settings, embedder=HashEmbedder(), chat_model=tuned, reranker=None)

    engines = AdapterEngines(engine, build)
    try:
        assert engines(None) is engine and built == []
        assert asker(engines(None), "rag")(WARRANTY, None).abstained
        assert not asker(engines("reader"), "lora+rag")(WARRANTY, None).abstained
        assert engines("reader") is engines("reader") and len(built) == 1  # built once
        assert built[0].llm.adapter == "reader" and built[0].home == engine.settings.home
        assert engine.answers.log() == []  # neither engine logged an eval question
        engines.close()
        engine.settings.llm.adapter = "reader"  # the product running the adapter agrees
        assert not engine.answers.ask(WARRANTY).abstained
    finally:
        engine.close()
