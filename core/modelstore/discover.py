"""Find GGUF models already on this machine (LM Studio, GPT4All, Ollama, llama.cpp, HF cache).

Only headers are read (see :mod:`gguf`); unreadable or non-GGUF files are skipped silently.
The home directory and environment are parameters so tests can plant a fake machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore.gguf import read_gguf

MAX_DEPTH = 8
_SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "site-packages"}
OLLAMA_MODEL_MEDIA = "application/vnd.ollama.image.model"


@dataclass(frozen=True)
class DiscoveredModel:
    """A GGUF file found on disk and what its header says."""

    path: Path
    source: str  # "lm-studio", "gpt4all", "ollama", "llama.cpp", "huggingface", "sourcewise", ...
    name: str
    size_bytes: int
    architecture: str | None
    quantization: str | None
    context_length: int | None
    has_chat_template: bool
    model_name: str | None = None  # general.name from the header


def gguf_locations(home: Path, env: Mapping[str, str]) -> list[tuple[str, Path]]:
    """The folders (source, path) searched for ``*.gguf`` files, most specific first."""
    places: list[tuple[str, Path]] = [
        ("lm-studio", home / ".lmstudio" / "models"),
        ("lm-studio", home / ".cache" / "lm-studio" / "models"),
        ("gpt4all", home / ".local" / "share" / "nomic.ai" / "GPT4All"),
        ("gpt4all", home / "Library" / "Application Support" / "nomic.ai" / "GPT4All"),
    ]
    local_appdata = env.get("LOCALAPPDATA")
    appdata = Path(local_appdata) if local_appdata else home / "AppData" / "Local"
    places.append(("gpt4all", appdata / "nomic.ai" / "GPT4All"))
    if env.get("LLAMA_CACHE"):
        places.append(("llama.cpp", Path(env["LLAMA_CACHE"])))
    places += [
        ("llama.cpp", home / ".cache" / "llama.cpp"),
        ("llama.cpp", home / "Library" / "Caches" / "llama.cpp"),
    ]
    if env.get("HF_HUB_CACHE"):
        places.append(("huggingface", Path(env["HF_HUB_CACHE"])))
    if env.get("HF_HOME"):
        places.append(("huggingface", Path(env["HF_HOME"]) / "hub"))
    places.append(("huggingface", home / ".cache" / "huggingface" / "hub"))
    return places


def ollama_roots(home: Path, env: Mapping[str, str], include_system: bool = True) -> list[Path]:
    roots = [Path(env["OLLAMA_MODELS"])] if env.get("OLLAMA_MODELS") else []
    roots.append(home / ".ollama" / "models")
    if include_system:
        roots.append(Path("/usr/share/ollama/.ollama/models"))
    return roots


def discover_models(
    *,
    models_dirs: Sequence[Path] = (),
    configured_dirs: Sequence[Path] = (),
    extra_dirs: Sequence[Path] = (),
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    include_system: bool = True,
) -> list[DiscoveredModel]:
    """Every readable GGUF in the known places plus the given folders, each file once."""
    home = home if home is not None else Path.home()
    env = env if env is not None else os.environ
    candidates: list[tuple[str, str, Path]] = []  # (source, name, path)
    for models_dir in models_dirs:
        candidates += _walk_source("sourcewise", models_dir)
    for source, root in gguf_locations(home, env):
        candidates += _walk_source(source, root)
    for root in ollama_roots(home, env, include_system):
        candidates += [("ollama", name, blob) for name, blob in ollama_models(root)]
    for folder in [*configured_dirs, *extra_dirs]:
        candidates += _walk_source("folder", Path(folder).expanduser())
    return list(_describe(candidates))


def _describe(candidates: Iterable[tuple[str, str, Path]]) -> Iterator[DiscoveredModel]:
    seen: set[str] = set()
    for source, name, path in candidates:
        try:
            real = os.path.realpath(path)
            if real in seen:
                continue
            info = read_gguf(path)
            size = path.stat().st_size
        except (ModelError, OSError):
            continue
        seen.add(real)
        yield DiscoveredModel(
            path=path,
            source=source,
            name=name,
            size_bytes=size,
            architecture=info.architecture,
            quantization=info.quantization,
            context_length=info.context_length,
            has_chat_template=info.has_chat_template,
            model_name=info.name,
        )


def _walk_source(source: str, root: Path) -> list[tuple[str, str, Path]]:
    if root.is_file():
        return [(source, _strip(root.name), root)] if _is_gguf(root.name) else []
    hf = source == "huggingface"
    return [(source, _hf_name(root, p) if hf else _rel_name(root, p), p) for p in walk_gguf(root)]


def walk_gguf(root: Path, max_depth: int = MAX_DEPTH) -> Iterator[Path]:
    """``*.gguf`` files under ``root`` (not following folder links, skipping unreadable ones)."""
    if not root.is_dir():
        return
    base_depth = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _err: None):
        here = Path(dirpath)
        if len(here.parts) - base_depth >= max_depth:
            dirnames.clear()
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for filename in sorted(filenames):
            if _is_gguf(filename):
                yield here / filename


def _is_gguf(filename: str) -> bool:
    return filename.lower().endswith(".gguf")


def _strip(filename: str) -> str:
    return filename[:-5] if _is_gguf(filename) else filename


def _rel_name(root: Path, path: Path) -> str:
    return _strip(path.relative_to(root).as_posix())


def _hf_name(root: Path, path: Path) -> str:
    """``models--org--repo/snapshots/<rev>/f.gguf`` -> ``org/repo/f``."""
    parts = path.relative_to(root).parts
    if len(parts) >= 4 and parts[0].startswith("models--") and parts[1] == "snapshots":
        repo = parts[0][len("models--") :].replace("--", "/")
        return f"{repo}/{_strip('/'.join(parts[3:]))}"
    return _rel_name(root, path)


def ollama_models(root: Path) -> Iterator[tuple[str, Path]]:
    """(``model:tag``, blob path) for each Ollama manifest whose model layer blob exists.

    Layout: ``manifests/<registry>/<namespace>/<model>/<tag>`` (JSON) and
    ``blobs/sha256-<hex>``; models in the ``library`` namespace are named ``model:tag``, others
    ``namespace/model:tag``.
    """
    manifests = root / "manifests"
    if not manifests.is_dir():
        return
    for dirpath, _dirs, files in os.walk(manifests, onerror=lambda _err: None):
        for tag in sorted(files):
            manifest = Path(dirpath) / tag
            rel = manifest.relative_to(manifests).parts
            if len(rel) < 4:
                continue
            namespace, model = rel[-3], rel[-2]
            blob = _ollama_blob(root, manifest)
            if blob is not None:
                prefix = "" if namespace == "library" else f"{namespace}/"
                yield f"{prefix}{model}:{tag}", blob


def _ollama_blob(root: Path, manifest: Path) -> Path | None:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    layers = data.get("layers") if isinstance(data, dict) else None
    if not isinstance(layers, list):
        return None
    for layer in layers:
        if not isinstance(layer, dict) or layer.get("mediaType") != OLLAMA_MODEL_MEDIA:
            continue
        digest = layer.get("digest")
        if isinstance(digest, str) and digest.startswith("sha256:"):
            blob = root / "blobs" / f"sha256-{digest.split(':', 1)[1]}"
            if blob.is_file():
                return blob
    return None
