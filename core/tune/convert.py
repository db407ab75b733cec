"""Export a peft adapter to GGUF with llama.cpp's ``convert_lora_to_gguf.py``.

The converter is not part of the llama-cpp-python wheel; it is in its source distribution
(``vendor/llama.cpp``, with the ``conversion`` package and ``gguf-py``). The first tune fetches
that sdist through pip (from pip's cache or the configured index, never from anywhere else),
extracts just the converter's files under ``<models_dir>/cache/llama.cpp-<version>/`` and
reuses them afterwards. ``SOURCEWISE_LLAMA_CPP_DIR`` may point at a llama.cpp checkout or
extracted folder instead; ``SOURCEWISE_LLAMA_CPP_SDIST`` at a downloaded sdist archive.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from sourcewise.core.errors import ModelError
from sourcewise.core.progress import Progress, ProgressCallback

SCRIPT = "convert_lora_to_gguf.py"
_MEMBERS = (SCRIPT, "convert_hf_to_gguf.py", "conversion/", "gguf-py/")
_DONE = ".complete"


def llama_cpp_version() -> str:
    try:
        return importlib.metadata.version("llama-cpp-python")
    except importlib.metadata.PackageNotFoundError as err:
        raise ModelError("llama-cpp-python is not installed") from err


def converter_dir(cache: Path, progress: ProgressCallback | None = None) -> Path:
    """A folder holding ``convert_lora_to_gguf.py`` with its packages, fetched once."""
    override = os.environ.get("SOURCEWISE_LLAMA_CPP_DIR")
    if override:
        folder = Path(override).expanduser()
        if not (folder / SCRIPT).is_file():
            raise ModelError(f"SOURCEWISE_LLAMA_CPP_DIR={folder} has no {SCRIPT}")
        return folder
    version = llama_cpp_version()
    target = cache / f"llama.cpp-{version}"
    if (target / _DONE).is_file():
        return target
    sdist = os.environ.get("SOURCEWISE_LLAMA_CPP_SDIST")
    with tempfile.TemporaryDirectory(prefix=".sdist-", dir=_mkdir(cache)) as tmp:
        if sdist:
            archive = Path(sdist).expanduser()
        else:
            if progress is not None:
                progress(Progress("converter", 0, 1, f"fetching the llama-cpp-python {version} "
                                  "source with pip for its LoRA converter (once)"))  # fmt: skip
            archive = _pip_download(version, Path(tmp))
        _extract(archive, target)
    return target


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pip_download(version: str, dest: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
           "--disable-pip-version-check", "-q", "-d", str(dest), f"llama-cpp-python=={version}"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    archives = sorted(dest.glob("llama_cpp_python-*.tar.gz"))
    if done.returncode != 0 or not archives:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ModelError("cannot fetch the llama-cpp-python source for its LoRA converter "
                         f"(pip download failed: {' '.join(tail)}); set SOURCEWISE_LLAMA_CPP_DIR "
                         "to a llama.cpp folder that has convert_lora_to_gguf.py")  # fmt: skip
    return archives[0]


def _extract(archive: Path, target: Path) -> None:
    """Copy the converter's files out of the sdist's vendor/llama.cpp into ``target``."""
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                _, sep, rel = member.name.partition("/vendor/llama.cpp/")
                if not sep or not rel.startswith(_MEMBERS) or not member.isfile():
                    continue
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(member)
                if src is not None:
                    dest.write_bytes(src.read())
    except (tarfile.TarError, OSError) as err:
        raise ModelError(f"cannot read {archive}: {err}") from err
    if not (tmp / SCRIPT).is_file():
        shutil.rmtree(tmp, ignore_errors=True)
        raise ModelError(f"{archive} has no vendor/llama.cpp/{SCRIPT}")
    (tmp / _DONE).write_text(archive.name + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)


def convert_adapter(tools: Path, base_dir: Path, adapter_dir: Path, out: Path) -> Path:
    """Run the converter (f16) in a subprocess with its own gguf-py first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(tools / "gguf-py"), str(tools), env.get("PYTHONPATH", "")) if p
    )
    env.setdefault("HF_HUB_OFFLINE", "1")
    cmd = [sys.executable, str(tools / SCRIPT), "--base", str(base_dir), "--outtype", "f16",
           "--outfile", str(out), str(adapter_dir)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0 or not out.is_file():
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise ModelError(f"converting the adapter to GGUF failed:\n{tail}")
    return out
