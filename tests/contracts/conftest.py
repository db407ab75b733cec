"""The installed real models for the ``real`` contract tests: SOURCEWISE_MODELS_DIR when set,
else the installation's models folder; a test skips when its model is not installed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sourcewise.core import paths
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.settings import Settings


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped defaults on the installed models, with a throwaway home."""
    chosen = os.environ.get("SOURCEWISE_MODELS_DIR")
    models_dir = Path(chosen) if chosen else paths.bundled_models_dir()
    if models_dir is None:
        pytest.skip("set SOURCEWISE_MODELS_DIR to the folder with the installed models")
    return Settings(home=tmp_path_factory.mktemp("contracts-home"), models_dir=models_dir)


def installed(settings: Settings, name: str, how: str = "make models") -> ModelStore:
    """The model store, after skipping the test when ``name`` is not installed."""
    store = ModelStore(settings)
    if not store.is_installed(name):
        pytest.skip(f"{name} is not installed in {settings.models_dir} (run `{how}`)")
    return store
