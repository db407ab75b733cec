"""Finding GGUF files in a planted fake home."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sourcewise.core.modelstore import ModelStore
from sourcewise.core.modelstore.discover import discover_models
from sourcewise.core.settings import Settings

from .helpers import gguf_bytes, llama_kvs, write_gguf


def plant_ollama(home: Path, model: str = "qwen2.5", tag: str = "0.5b") -> Path:
    root = home / ".ollama" / "models"
    data = gguf_bytes(llama_kvs(arch="qwen2", name="Qwen", file_type=15, ctx=32768))
    digest = "ab" * 32
    blob = root / "blobs" / f"sha256-{digest}"
    blob.parent.mkdir(parents=True)
    blob.write_bytes(data)
    (root / "blobs" / f"sha256-{'cd' * 32}").write_text("{{ .Prompt }}")
    manifest = root / "manifests" / "registry.ollama.ai" / "library" / model / tag
    manifest.parent.mkdir(parents=True)
    layers = [
        {"mediaType": "application/vnd.ollama.image.template", "digest": f"sha256:{'cd' * 32}"},
        {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"},
    ]
    manifest.write_text(json.dumps({"schemaVersion": 2, "layers": layers}))
    # a broken manifest and one whose blob is missing are skipped
    (manifest.parent / "broken").write_text("{not json")
    (manifest.parent / "gone").write_text(
        json.dumps({"layers": [{"mediaType": layers[1]["mediaType"], "digest": "sha256:00"}]})
    )
    return blob


def test_finds_lm_studio_and_ollama(tmp_path: Path) -> None:
    home = tmp_path / "home"
    lms = write_gguf(home / ".lmstudio/models/pub/repo/x.Q4_K_M.gguf", file_type=None, ctx=8192)
    blob = plant_ollama(home)
    (home / ".lmstudio/models/pub/repo/garbage.gguf").write_bytes(b"not a model at all")
    (home / ".lmstudio/models/pub/repo/empty.gguf").write_bytes(b"")
    found = discover_models(home=home, env={}, include_system=False)
    by = {m.source: m for m in found}
    assert len(found) == 2 and set(by) == {"lm-studio", "ollama"}
    lm = by["lm-studio"]
    assert (lm.path, lm.name) == (lms, "pub/repo/x.Q4_K_M")
    assert (lm.architecture, lm.quantization, lm.context_length) == ("llama", "Q4_K_M", 8192)
    assert lm.size_bytes == lms.stat().st_size and lm.has_chat_template
    ol = by["ollama"]
    assert (ol.path, ol.name) == (blob, "qwen2.5:0.5b")
    assert (ol.architecture, ol.quantization, ol.context_length) == ("qwen2", "Q4_K_M", 32768)


def test_other_places_and_dedupe(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_gguf(home / ".local/share/nomic.ai/GPT4All/orca.Q4_0.gguf", file_type=2)
    snap = home / ".cache/huggingface/hub/models--org--repo/snapshots/abc123"
    write_gguf(snap / "model-q8_0.gguf", file_type=7)
    cache = tmp_path / "llcache"
    write_gguf(cache / "org_repo_m.gguf", file_type=None)
    extra = write_gguf(tmp_path / "mine" / "deep" / "a" / "mine.gguf", file_type=1)
    os.symlink(extra, tmp_path / "mine" / "link.gguf")  # same file twice: listed once
    found = discover_models(
        home=home, env={"LLAMA_CACHE": str(cache)}, extra_dirs=[tmp_path / "mine"],
        include_system=False,
    )  # fmt: skip
    names = {(m.source, m.name, m.quantization) for m in found}
    assert ("gpt4all", "orca.Q4_0", "Q4_0") in names
    assert ("huggingface", "org/repo/model-q8_0", "Q8_0") in names
    assert ("llama.cpp", "org_repo_m", None) in names
    assert len([m for m in found if m.source == "folder"]) == 1
    assert len(found) == 4


def test_store_discover_uses_models_dir_and_settings(tmp_path: Path) -> None:
    conf = tmp_path / "configured"
    settings = Settings(home=tmp_path / "h", models_dir=tmp_path / "m", discover_dirs=[conf])
    write_gguf(tmp_path / "m" / "own.gguf")
    write_gguf(conf / "c.gguf")
    store = ModelStore(settings)
    found = {(m.source, m.name) for m in store.discover(home=tmp_path / "fakehome")}
    assert found == {("sourcewise", "own"), ("folder", "c")}
    assert store.discover(home=tmp_path / "fakehome", extra_dirs=[tmp_path / "nowhere"])
