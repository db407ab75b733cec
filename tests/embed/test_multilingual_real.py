"""With the multilingual embedder an English question finds a German note (``-m real``;
skipped unless `sourcewise models install multilingual` ran)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sourcewise.core import paths
from sourcewise.core.embed.gemma_onnx import GemmaOnnxEmbedder
from sourcewise.core.factory import build_engine, make_embedder
from sourcewise.core.modelstore import ModelStore
from sourcewise.core.settings import Settings

MODEL = "embeddinggemma-300m"
NOTES = {
    "garantie.md": "# Garantie\n\nDie Garantie der Drohne beträgt achtzehn Monate ab Kaufdatum. "
    "Schäden durch einen Sturz sind nicht abgedeckt.",
    "kantine.md": "# Kantine\n\nDie Kantine öffnet um halb zwölf und schließt um vierzehn Uhr. "
    "Freitags gibt es Fisch.",
    "urlaub.md": "# Urlaub\n\nUrlaubsanträge werden spätestens zwei Wochen vorher im Portal "
    "gestellt und vom Teamleiter genehmigt.",
    "parken.md": "# Parken\n\nDer Parkplatz hinter dem Lager ist für Besucher reserviert; "
    "Mitarbeiter parken im Parkhaus.",
}


def gemma_settings(tmp_path: Path) -> Settings:
    chosen = os.environ.get("SOURCEWISE_MODELS_DIR")
    models_dir = Path(chosen) if chosen else paths.bundled_models_dir()
    settings = Settings(home=tmp_path / "home", models_dir=models_dir,
                        embed={"model": MODEL}, retrieval={"rerank": False},
                        index={"parse_mode": "thread"})  # fmt: skip
    if not ModelStore(settings).is_installed(MODEL):
        pytest.skip(f"{MODEL} is not installed (run `sourcewise models install multilingual`)")
    return settings


@pytest.mark.real
def test_an_english_question_finds_the_german_note(tmp_path: Path) -> None:
    """With whichever runtime the install left (INT8 ONNX, else sentence-transformers)."""
    german_notes_are_found(gemma_settings(tmp_path), tmp_path)


@pytest.mark.real
def test_the_int8_onnx_runtime_finds_the_german_note(tmp_path: Path) -> None:
    settings = gemma_settings(tmp_path)
    if ModelStore(settings).converted(MODEL) is None:
        pytest.skip(f"{MODEL} has no INT8 ONNX runtime (`sourcewise models install multilingual` "
                    "makes it)")  # fmt: skip
    embedder = make_embedder(settings, ModelStore(settings))
    assert isinstance(embedder, GemmaOnnxEmbedder)
    german_notes_are_found(settings, tmp_path)


def german_notes_are_found(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in NOTES.items():
        (docs / name).write_text(text, encoding="utf-8")
    engine = build_engine(settings, chat_model=None)
    engine.library.index([docs])
    hits = engine.library.search("How long is the warranty on the drone?", k=3)
    assert Path(hits[0].path).name == "garantie.md", [h.path for h in hits]
    hits = engine.library.search("Where do employees park their cars?", k=3)
    assert Path(hits[0].path).name == "parken.md", [h.path for h in hits]
