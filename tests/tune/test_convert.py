"""Finding llama.cpp's LoRA converter: extracted once from the llama-cpp-python sdist."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from sourcewise.core.errors import ModelError
from sourcewise.core.tune.convert import SCRIPT, converter_dir, llama_cpp_version


def fake_sdist(path: Path, with_script: bool = True) -> Path:
    top = f"llama_cpp_python-{llama_cpp_version()}/vendor/llama.cpp"
    files = {f"{top}/conversion/__init__.py": b"", f"{top}/gguf-py/gguf/__init__.py": b"",
             f"{top}/models/ggml-vocab-big.gguf": b"x" * 100, f"{top}/src/llama.cpp": b"//"}  # fmt: skip
    if with_script:
        files[f"{top}/{SCRIPT}"] = b"print('convert')\n"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_sdist_extracted_once_with_only_the_converter_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCEWISE_LLAMA_CPP_DIR", raising=False)
    monkeypatch.setenv("SOURCEWISE_LLAMA_CPP_SDIST", str(fake_sdist(tmp_path / "s.tar.gz")))
    folder = converter_dir(tmp_path / "cache")
    assert folder == tmp_path / "cache" / f"llama.cpp-{llama_cpp_version()}"
    assert (folder / SCRIPT).is_file() and (folder / "gguf-py" / "gguf" / "__init__.py").is_file()
    assert not (folder / "models").exists() and not (folder / "src").exists()
    (tmp_path / "s.tar.gz").unlink()  # reused from now on: the archive is not read again
    assert converter_dir(tmp_path / "cache") == folder


def test_an_sdist_without_the_converter_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCEWISE_LLAMA_CPP_DIR", raising=False)
    archive = fake_sdist(tmp_path / "s.tar.gz", with_script=False)
    monkeypatch.setenv("SOURCEWISE_LLAMA_CPP_SDIST", str(archive))
    with pytest.raises(ModelError, match=r"has no vendor/llama\.cpp/convert_lora_to_gguf\.py"):
        converter_dir(tmp_path / "cache")
    assert not any((tmp_path / "cache").glob("llama.cpp-*"))


def test_an_explicit_llama_cpp_dir_is_used_as_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCEWISE_LLAMA_CPP_DIR", str(tmp_path))
    with pytest.raises(ModelError, match=r"has no convert_lora_to_gguf\.py"):
        converter_dir(tmp_path / "cache")
    (tmp_path / SCRIPT).write_text("", encoding="utf-8")
    assert converter_dir(tmp_path / "cache") == tmp_path
