"""The pure-Python GGUF header reader."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore.gguf import GGUFArray, quant_from_name, read_gguf

from .helpers import ARR, STR, U32, gguf_bytes, llama_kvs, write_gguf


def test_reads_header_fields(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "tiny.gguf", file_type=15, ctx=4096, template="{{ x }}")
    info = read_gguf(path)
    assert (info.version, info.tensor_count) == (3, 0)
    assert info.architecture == "llama"
    assert info.name == "Tiny Test"
    assert info.quantization == "Q4_K_M"
    assert info.context_length == 4096
    assert info.has_chat_template and info.chat_template == "{{ x }}"
    meta = info.metadata
    assert meta["general.languages"] == ("en", "fr")  # short string array kept
    assert meta["tokenizer.ggml.tokens"] == GGUFArray(STR, 300)  # long arrays summarised
    assert meta["tokenizer.ggml.scores"] == GGUFArray(6, 300)
    assert meta["general.size"] == 12345678901
    assert meta["general.offset"] == -5 and meta["general.scale"] == 0.25
    assert meta["general.small"] == -3 and meta["general.u16"] == 65535
    assert meta["tokenizer.ggml.add_bos_token"] is True
    assert meta["tokenizer.ggml.bos_token_id"] == 1  # read after the skipped arrays


@pytest.mark.parametrize(
    ("file_type", "name"), [(3, "Q4_1"), (1, "F16"), (7, "Q8_0"), (32, "BF16")]
)
def test_file_type_names(tmp_path: Path, file_type: int, name: str) -> None:
    assert read_gguf(write_gguf(tmp_path / "m.gguf", file_type=file_type)).quantization == name


def test_quantization_falls_back_to_file_name(tmp_path: Path) -> None:
    info = read_gguf(write_gguf(tmp_path / "qwen-7b.Q5_K_S.gguf", file_type=None, template=None))
    assert info.quantization == "Q5_K_S"
    assert not info.has_chat_template and info.chat_template is None
    assert read_gguf(write_gguf(tmp_path / "plain.gguf", file_type=None)).quantization is None


@pytest.mark.parametrize(
    ("filename", "quant"),
    [
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "Q4_1"),
        ("gemma-3-270m-q4_k_m.gguf", "Q4_K_M"),
        ("model-IQ3_XXS.gguf", "IQ3_XXS"),
        ("llama-f16.gguf", "F16"),
        ("x.Q8_0.gguf", "Q8_0"),
        ("phi-3-mini-4k-instruct-fp16.gguf", "F16"),
        ("nothing-here.gguf", None),
    ],
)
def test_quant_from_name(filename: str, quant: str | None) -> None:
    assert quant_from_name(filename) == quant


def test_version_2_and_other_arch(tmp_path: Path) -> None:
    path = tmp_path / "q.gguf"
    path.write_bytes(gguf_bytes(llama_kvs(arch="qwen2", ctx=32768), tensor_count=7, version=2))
    info = read_gguf(path)
    assert (info.version, info.tensor_count, info.architecture) == (2, 7, "qwen2")
    assert info.context_length == 32768


def test_version_1_uses_32_bit_lengths(tmp_path: Path) -> None:
    def s(text: str) -> bytes:
        return struct.pack("<I", len(text)) + text.encode()

    body = s("general.architecture") + struct.pack("<I", STR) + s("gpt2")
    body += s("gpt2.context_length") + struct.pack("<II", U32, 1024)
    body += s("general.tags") + struct.pack("<III", ARR, STR, 1) + s("t")
    path = tmp_path / "old.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<III", 1, 0, 3) + body)
    info = read_gguf(path)
    assert (info.architecture, info.context_length) == ("gpt2", 1024)
    assert info.metadata["general.tags"] == ("t",)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"GGU",
        b"PK\x03\x04 this is a zip",
        b"GGUF",
        b"GGUF" + struct.pack("<I", 99) + b"\0" * 16,  # unknown version
        b"GGUF" + struct.pack("<IQQ", 3, 0, 5) + struct.pack("<Q", 1 << 40),  # huge key
        gguf_bytes(llama_kvs())[:900],  # truncated inside the metadata
        b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k" + b"\x63\0\0\0",
    ],
)
def test_garbage_is_model_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(data)
    with pytest.raises(ModelError, match="not a GGUF file"):
        read_gguf(path)


def test_unreadable_is_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        read_gguf(tmp_path / "missing.gguf")
    with pytest.raises(ModelError):
        read_gguf(tmp_path)  # a folder


def test_against_gguf_package(tmp_path: Path) -> None:
    gguf = pytest.importorskip("gguf")
    path = tmp_path / "ref.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("Reference")
    writer.add_context_length(1234)
    writer.add_file_type(2)
    writer.add_chat_template("{{ bos }}")
    writer.add_token_list([f"t{i}" for i in range(100)])
    writer.add_array("general.tags", ["a", "b"])
    writer.add_uint32("llama.block_count", 3)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.close()
    info = read_gguf(path)
    assert (info.architecture, info.name, info.context_length) == ("llama", "Reference", 1234)
    assert info.quantization == "Q4_0" and info.chat_template == "{{ bos }}"
    assert info.metadata["general.tags"] == ("a", "b")
    assert info.metadata["llama.block_count"] == 3
