"""The adapter card: ``<models_dir>/adapters/<name>.json`` beside ``<name>.gguf``.

It records what the adapter was trained from and how (base model and its hash, data hash,
parameters, loss curve, time), so an evaluation can show the training cost next to the gain.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sourcewise.core.errors import ModelError
from sourcewise.core.settings import Settings


@dataclass
class AdapterCard:
    name: str
    base_model: str  # manifest name or file name of the base GGUF
    base_sha256: str
    data_file: str
    data_sha256: str
    examples: int
    raft: bool
    parameters: dict[str, Any]  # rank, alpha, lr, steps, max_tokens, seed, target_modules
    steps: int
    final_loss: float | None
    losses: list[float] = field(default_factory=list)
    training_seconds: float = 0.0
    total_seconds: float = 0.0  # with base conversion and GGUF export
    device: str = "cpu"
    created: str = ""
    adapter_file: str = ""
    adapter_sha256: str = ""
    eval: dict[str, Any] = field(default_factory=dict)
    # P(Yes) threshold of the adapter's own answerability judgement, calibrated on questions
    # it was not trained on (bench/answerability.py --exclude); None: never judged.
    answerable_threshold: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def card_path(gguf: Path) -> Path:
    return gguf.with_suffix(".json")


def save_card(card: AdapterCard, gguf: Path) -> Path:
    path = card_path(gguf)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(card.to_json(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    tmp.replace(path)
    return path


def read_card(settings: Settings, adapter: str) -> dict[str, Any] | None:
    """The card of an adapter (a name or a .gguf path) as stored; None when it or its card is
    missing or unreadable."""
    from sourcewise.core.llm.adapters import adapter_file
    from sourcewise.core.modelstore.store import ModelStore

    try:
        gguf = adapter_file(adapter, ModelStore(settings))
        data = json.loads(card_path(gguf).read_text(encoding="utf-8"))
    except (ModelError, OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def card_threshold(settings: Settings, adapter: str) -> float | None:
    """The calibrated answerability threshold an adapter's card records, if any."""
    card = read_card(settings, adapter) or {}
    value = card.get("answerable_threshold")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        return None
    return float(value)
