"""What the settings dialog offers (no Qt): chat models, LoRA adapters, and the settings schema's
own descriptions and bounds, so tooltips and spin box ranges never drift from the schema.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sourcewise.core.model_catalog import ModelCatalog
from sourcewise.core.settings import Settings, rebuild_fields, value_of
from sourcewise.desktop.formatting import size

# Changing one of these rebuilds a part of the engine (each field's ``rebuild`` mark in the
# settings schema); the rest are read on every call.
ENGINE_FIELDS = tuple(rebuild_fields())


@dataclass(frozen=True)
class ChatChoice:
    label: str
    model: str | None = None  # a manifest name
    path: Path | None = None  # or a GGUF file
    installed: bool = True  # False: a manifest model the dialog offers to install
    size_bytes: int = 0


@dataclass
class ModelChoices:
    chat: list[ChatChoice] = field(default_factory=list)
    adapters: list[Path] = field(default_factory=list)


def gather(models: ModelCatalog, discover_home: Path | None = None) -> ModelChoices:
    """Every manifest chat model (those not installed marked so, to install from the dialog),
    GGUF files found on this machine, and the adapters under ``<models>/adapters``. Walks
    folders: run it off the UI thread."""
    choices = ModelChoices()
    installed: set[Path] = set()
    for model in models.models(role="chat"):
        ok = model.installed
        if ok:
            installed.add(model.path.resolve())
        note = "" if ok else f" — not installed ({size(model.size_bytes)} download)"
        choices.chat.append(ChatChoice(f"{model.display_name}{note}", model=model.name,
                                       installed=ok, size_bytes=model.size_bytes))  # fmt: skip
    adapters_dir = models.models_dir / "adapters"
    seen = set(installed)
    for found in models.discover(home=discover_home):
        resolved = found.path.resolve()
        if resolved in seen or resolved.parent == adapters_dir.resolve():
            continue
        seen.add(resolved)
        quant = f", {found.quantization}" if found.quantization else ""
        label = f"{found.model_name or found.name} ({found.source}{quant}) — {found.path}"
        choices.chat.append(ChatChoice(label, path=found.path))
    if adapters_dir.is_dir():
        choices.adapters = sorted(adapters_dir.glob("*.gguf"))
    return choices


def adapter_value(path: Path, models_dir: Path) -> str:
    """The ``llm.adapter`` setting for a file: its name when it lives under
    ``<models>/adapters``, else its full path."""
    if path.parent.resolve() == (models_dir / "adapters").resolve():
        return path.stem
    return str(path)


def _field(dotted: str) -> FieldInfo:
    model: type[BaseModel] = Settings
    *groups, name = dotted.split(".")
    for group in groups:
        ann = model.model_fields[group].annotation
        assert isinstance(ann, type) and issubclass(ann, BaseModel)
        model = ann
    return model.model_fields[name]


def help_text(*dotted: str) -> str:
    """The schema's description of one or more settings, for a tooltip."""
    texts = [_field(d).description or "" for d in dotted]
    return "\n".join(dict.fromkeys(t for t in texts if t))


def bounds(dotted: str, default_max: int = 10_000) -> tuple[int, int]:
    """(minimum, maximum) of an integer setting, from its ``ge``/``le`` constraints."""
    low, high = 0, default_max
    for rule in _field(dotted).metadata:
        if isinstance(rule, Ge):
            low = int(rule.ge)  # type: ignore[call-overload]
        elif isinstance(rule, Le):
            high = int(rule.le)  # type: ignore[call-overload]
    return low, high


def get(settings: Settings, dotted: str) -> Any:
    return value_of(settings, dotted)


def updated(settings: Settings, changes: dict[str, Any]) -> Settings:
    """A copy of ``settings`` with dotted-name ``changes`` applied (values already valid)."""
    top: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    for dotted, value in changes.items():
        group, _, name = dotted.partition(".")
        if name:
            groups.setdefault(group, {})[name] = value
        else:
            top[dotted] = value
    for group, values in groups.items():
        top[group] = getattr(settings, group).model_copy(update=values)
    return settings.model_copy(update=top)


def engine_changes(old: Settings, new: Settings) -> list[str]:
    """The changed settings that only a new engine picks up."""
    return [name for name in ENGINE_FIELDS if get(old, name) != get(new, name)]


def cpu_count() -> int:
    return os.cpu_count() or 1
