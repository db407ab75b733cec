"""Which LoRA adapter the chat model runs with, and where its file is.

``llm.adapter`` names one (under an ``adapters/`` folder of the models folders, or a .gguf
path). Unset, the chat model runs with the adapter its manifest entry bundles, when that is
installed: a bundled adapter is on only where the benchmark showed it beats its base model
(docs/benchmarks.md), so a user who picks that model gets it without knowing it exists.
``llm.adapter = "none"`` runs the plain model.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sourcewise.core.errors import ModelError
from sourcewise.core.settings import LLMSettings

if TYPE_CHECKING:
    from sourcewise.core.modelstore.store import ModelStore

NO_ADAPTER = "none"  # llm.adapter: the plain model, not even its bundled adapter
log = logging.getLogger(__name__)


def adapter_name(settings: LLMSettings, models: ModelStore) -> str | None:
    """The adapter the chat model runs with: ``llm.adapter`` when set, else its bundled one
    when installed; None for none."""
    chosen = settings.adapter
    if chosen:
        return None if chosen.strip().lower() == NO_ADAPTER else chosen
    if settings.path is not None or settings.backend != "llama":
        return None  # a GGUF from elsewhere, or a model server: no manifest entry
    try:
        bundled = models.spec(settings.model).adapter
    except ModelError:
        return None
    if bundled is None:
        return None
    if _installed(bundled, models) is None:
        log.warning("the bundled adapter %s of %s is not installed; running without it",
                    bundled, settings.model)  # fmt: skip
        return None
    return bundled


def is_path(adapter: str) -> bool:
    """``llm.adapter`` holds a file path (else a name under ``adapters/``; a name may hold
    dots, as "squad-raft-0.5b" does)."""
    return adapter.endswith(".gguf") or os.sep in adapter or "/" in adapter


def adapter_file(name: str, models: ModelStore) -> Path:
    """The .gguf of an adapter named ``name`` (or at the path ``name``)."""
    if is_path(name):
        path = Path(name).expanduser()
        if path.is_file():
            return path
        raise ModelError(f"LoRA adapter not found: {path}")
    found = _installed(name, models)
    if found is None:
        raise ModelError(f"LoRA adapter not found: {models.models_dir / 'adapters' / name}.gguf")
    return found


def _installed(name: str, models: ModelStore) -> Path | None:
    """``adapters/<name>.gguf`` in the first models folder that has it: the user's (where
    ``sourcewise tune`` writes, the first search folder), then the installation's (where
    bundled adapters ship)."""
    for folder in models.search_dirs:
        path = folder / "adapters" / f"{name}.gguf"
        if path.is_file():
            return path
    return None
