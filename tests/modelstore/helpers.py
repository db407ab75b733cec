"""Test helpers: tiny fake wheels, ModelSpecs, and a minimal GGUF writer."""

from __future__ import annotations

import base64
import hashlib
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sourcewise.core.modelstore.manifest import Assembly, ModelSpec, Source


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def make_wheel(wheelhouse: Path, dist: str, version: str, files: dict[str, bytes]) -> Path:
    """A minimal valid wheel (METADATA, WHEEL, RECORD) that ``pip download`` accepts."""
    norm = dist.replace("-", "_")
    info = f"{norm}-{version}.dist-info"
    meta = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    contents = {**files, **{k: v.encode() for k, v in meta.items()}}
    record = "".join(f"{n},{_record_hash(d)},{len(d)}\n" for n, d in contents.items())
    record += f"{info}/RECORD,,\n"
    path = wheelhouse / f"{norm}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
        zf.writestr(f"{info}/RECORD", record)
    return path


def spec_for(
    name: str,
    kind: str,
    sources: Sequence[tuple[str, str]],
    members: Sequence[str],
    target: str,
    sha256: str,
    size: int,
    **extra: Any,
) -> ModelSpec:
    """A ModelSpec for tests (role chat / format gguf unless overridden)."""
    fields: dict[str, Any] = {
        "role": "chat",
        "display_name": name.title(),
        "format": "gguf",
        "license": "MIT",
        **extra,
    }
    return ModelSpec(
        name=name,
        sources=tuple(Source(p, v) for p, v in sources),
        assembly=Assembly(kind, tuple(members), target),  # type: ignore[arg-type]
        sha256=sha256,
        size_bytes=size,
        **fields,
    )


# -- a tiny GGUF writer (independent of the reader under test) ------------------------------

U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
_CODES = {
    U8: "B", I8: "b", U16: "H", I16: "h", U32: "I", I32: "i", F32: "f", BOOL: "?", U64: "Q",
    I64: "q", F64: "d",
}  # fmt: skip


def _gguf_str(s: str) -> bytes:
    raw = s.encode()
    return struct.pack("<Q", len(raw)) + raw


def _gguf_value(vtype: int, value: Any) -> bytes:
    if vtype == STR:
        return _gguf_str(value)
    if vtype == ARR:
        itype, items = value
        body = b"".join(_gguf_value(itype, v) for v in items)
        return struct.pack("<IQ", itype, len(items)) + body
    return struct.pack("<" + _CODES[vtype], value)


def gguf_bytes(
    kvs: Sequence[tuple[str, int, Any]], tensor_count: int = 0, version: int = 3
) -> bytes:
    """A GGUF header with the given (key, type, value) metadata; arrays are (item_type, list)."""
    out = b"GGUF" + struct.pack("<IQQ", version, tensor_count, len(kvs))
    for key, vtype, value in kvs:
        out += _gguf_str(key) + struct.pack("<I", vtype) + _gguf_value(vtype, value)
    return out + b"\0" * 64  # stand-in for tensor infos / data, never read


def llama_kvs(
    arch: str = "llama",
    name: str = "Tiny Test",
    file_type: int | None = 15,
    ctx: int = 2048,
    template: str | None = "{{ messages }}",
    vocab: int = 300,
) -> list[tuple[str, int, Any]]:
    kvs: list[tuple[str, int, Any]] = [
        ("general.architecture", STR, arch),
        ("general.name", STR, name),
        ("general.languages", ARR, (STR, ["en", "fr"])),
        (f"{arch}.context_length", U32, ctx),
        (f"{arch}.block_count", U32, 2),
        (f"{arch}.rope.freq_base", F32, 10000.0),
        ("general.size", U64, 12345678901),
        ("general.offset", I64, -5),
        ("general.scale", F64, 0.25),
        ("general.small", I8, -3),
        ("general.u16", U16, 65535),
        ("general.i16", I16, -2),
        ("general.u8", U8, 7),
        ("tokenizer.ggml.add_bos_token", BOOL, True),
        ("tokenizer.ggml.tokens", ARR, (STR, [f"tok{i}" for i in range(vocab)])),
        ("tokenizer.ggml.scores", ARR, (F32, [0.5] * vocab)),
        ("tokenizer.ggml.token_type", ARR, (I32, [1] * vocab)),
        ("tokenizer.ggml.bos_token_id", U32, 1),
    ]
    if file_type is not None:
        kvs.append(("general.file_type", U32, file_type))
    if template is not None:
        kvs.append(("tokenizer.chat_template", STR, template))
    return kvs


def write_gguf(path: Path, **kw: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gguf_bytes(llama_kvs(**kw)))
    return path
