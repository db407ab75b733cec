"""Which adapter the chat model runs with: llm.adapter, else the model's bundled one."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.errors import ModelError
from sourcewise.core.llm.adapters import adapter_file, adapter_name
from sourcewise.core.llm.llama import LlamaChatModel
from sourcewise.core.modelstore import ModelStore
from sourcewise.core.modelstore.manifest import parse_manifest
from sourcewise.core.settings import Settings
from tests.modelstore.helpers import spec_for


@pytest.fixture(autouse=True)
def _no_models_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCEWISE_MODELS_DIR", raising=False)


def _store(tmp_path: Path, bundled: str | None, **llm: object) -> tuple[Settings, ModelStore]:
    settings = Settings(home=tmp_path / "home", llm={"model": "tiny", **llm})
    spec = spec_for("tiny", "copy", [("fake-tiny", "0.1.0")], ["fake_tiny/w.gguf"], "tiny.gguf",
                    "0" * 64, 1, adapter=bundled)  # fmt: skip
    return settings, ModelStore(settings, manifest=[spec], fallback_dirs=[tmp_path / "install"])


def _ship(folder: Path, name: str) -> Path:
    (folder / "adapters").mkdir(parents=True, exist_ok=True)
    path = folder / "adapters" / f"{name}.gguf"
    path.write_bytes(b"GGUF")
    return path


def test_the_bundled_adapter_is_on_unless_another_or_none_is_chosen(tmp_path: Path) -> None:
    shipped = _ship(tmp_path / "install", "reader")
    settings, store = _store(tmp_path, "reader")
    assert adapter_name(settings.llm, store) == "reader"
    assert adapter_file("reader", store) == shipped  # found in the installation's folder
    model = LlamaChatModel(settings.llm, store)
    assert model.name == "tiny+reader" and model.adapter_path() == shipped
    settings.llm.adapter = "none"
    assert adapter_name(settings.llm, store) is None and model.adapter_path() is None
    assert model.name == "tiny"
    own = _ship(tmp_path / "home" / "models", "legal")
    settings.llm.adapter = "legal"
    assert model.adapter_path() == own


def test_a_missing_bundled_adapter_runs_the_plain_model(tmp_path: Path) -> None:
    settings, store = _store(tmp_path, "reader")  # the file was never shipped here
    assert adapter_name(settings.llm, store) is None
    settings.llm.adapter = "reader"  # but asked for by name, its absence is an error
    with pytest.raises(ModelError, match="LoRA adapter not found"):
        LlamaChatModel(settings.llm, store).adapter_path()


def test_a_model_without_one_and_a_gguf_path_get_none(tmp_path: Path) -> None:
    _ship(tmp_path / "install", "reader")
    settings, store = _store(tmp_path, None)
    assert adapter_name(settings.llm, store) is None
    settings, store = _store(tmp_path, "reader", path=str(tmp_path / "other.gguf"))
    assert adapter_name(settings.llm, store) is None  # not the manifest's model


def test_the_manifest_accepts_an_adapter_only_on_a_chat_model() -> None:
    entry = """
[[model]]
name = "tiny"
role = "{role}"
display_name = "Tiny"
format = "gguf"
license = "MIT"
sha256 = "{sha}"
size_bytes = 1
dimension = 4
adapter = "reader"
sources = [{{ package = "fake-tiny", version = "0.1.0" }}]
[model.assembly]
kind = "copy"
members = ["fake_tiny/w.gguf"]
target = "tiny.gguf"
"""
    [spec] = parse_manifest(entry.format(role="chat", sha="0" * 64), origin="test")
    assert spec.adapter == "reader"
    with pytest.raises(ModelError, match="adapter must be an adapter name, on a chat model"):
        parse_manifest(entry.format(role="embed", sha="0" * 64), origin="test")
