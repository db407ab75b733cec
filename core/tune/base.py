"""The trainable float copy of a GGUF chat model, cached under ``<models_dir>/cache/``.

transformers dequantizes a GGUF into a float model (tens of seconds); the result is saved
once as a Hugging Face folder keyed by the GGUF's sha256, so later tunes load it in seconds.
The folder is also the ``--base`` the LoRA converter reads the architecture from.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore.hashing import file_sha256
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback
from sourcewise.core.settings import Settings

_DONE = ".complete"


@dataclass(frozen=True)
class BaseModel:
    name: str  # manifest name, or the GGUF file's stem
    gguf: Path
    sha256: str


def resolve_base(settings: Settings, base: str | None = None) -> BaseModel:
    """The GGUF to tune: ``base`` (a manifest name or a .gguf path), else the chat model the
    settings use (``llm.path`` or ``llm.model``). Manifest models use their verified hash."""
    store = ModelStore(settings)
    if base is None and settings.llm.path is not None:
        base = str(settings.llm.path)
    name = base or settings.llm.model
    if name.endswith(".gguf") or os.sep in name:
        path = Path(name).expanduser()
        if not path.is_file():
            raise ModelError(f"base model file not found: {path}")
        return BaseModel(path.stem, path, file_sha256(path))
    spec = store.spec(name)
    if spec.format != "gguf" or spec.role != "chat":
        raise ModelError(f"{name} is not a GGUF chat model; LoRA tuning needs one")
    return BaseModel(name, store.path(name), spec.sha256)


def cache_dir(settings: Settings) -> Path:
    return settings.resolved_models_dir / "cache"


def float_base_dir(settings: Settings, base: BaseModel) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", base.name)
    return cache_dir(settings) / f"hf-{slug}-{base.sha256[:12]}"


def ensure_float_base(
    settings: Settings,
    base: BaseModel,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """The cached float model folder of ``base``, converting the GGUF the first time."""
    target = float_base_dir(settings, base)
    if (target / _DONE).is_file():
        return target
    if cancel is not None:
        cancel.check()
    if progress is not None:
        progress(Progress("base", 0, 1, f"dequantizing {base.gguf.name} (once per base model)"))
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tokenizer = AutoTokenizer.from_pretrained(base.gguf.parent, gguf_file=base.gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            base.gguf.parent, gguf_file=base.gguf.name, dtype=torch.float32
        )
    except (ValueError, OSError, RuntimeError, KeyError) as err:
        raise ModelError(f"transformers cannot load {base.gguf.name} for training: {err}") from err
    # A dequantized model must not be saved as a quantized one (MODELS.md, LoRA step 1).
    model.hf_quantizer = None  # type: ignore[assignment]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    (tmp / _DONE).write_text(base.sha256 + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    if progress is not None:
        progress(Progress("base", 1, 1, f"cached float base model in {target}"))
    return target
