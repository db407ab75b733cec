"""Checks against the real installed models (``-m real``): SOURCEWISE_MODELS_DIR when set, else
where the CLI finds them without it (the installation's models folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sourcewise.core import paths
from sourcewise.core.modelstore import ModelStore, read_gguf
from sourcewise.core.settings import Settings

pytestmark = pytest.mark.real


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    chosen = os.environ.get("SOURCEWISE_MODELS_DIR")
    models_dir = Path(chosen) if chosen else paths.bundled_models_dir()
    if models_dir is None:
        pytest.skip("set SOURCEWISE_MODELS_DIR to the folder with the installed models")
    return ModelStore(Settings(home=tmp_path, models_dir=models_dir))


def test_defaults_installed_and_valid(store: ModelStore) -> None:
    names = [s.name for s in store.defaults()]
    results = {r.name: r for r in store.verify(names)}
    assert {n: r.status for n, r in results.items()} == dict.fromkeys(names, "ok")


def test_smollm2_header(store: ModelStore) -> None:
    info = read_gguf(store.path("smollm2-135m"))
    assert (info.architecture, info.quantization, info.context_length) == ("llama", "Q4_1", 8192)
    assert info.has_chat_template and "<|im_start|>" in (info.chat_template or "")


def test_installed_models_are_discovered(store: ModelStore, tmp_path: Path) -> None:
    found = {m.name for m in store.discover(home=tmp_path) if m.source == "sourcewise"}
    assert "SmolLM2-135M-Instruct.Q4_1" in found
