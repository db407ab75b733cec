"""``sourcewise tune``: data -> float base (cached) -> LoRA training -> GGUF adapter + card.

The result is ``<models_dir>/adapters/<name>.gguf`` (what ``--adapter NAME`` and
``llm.adapter`` load) and ``<name>.json``, its card.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.llm.adapter_card import AdapterCard, save_card
from sourcewise.core.llm.base import Message
from sourcewise.core.modelstore.hashing import file_sha256
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback
from sourcewise.core.settings import Settings
from sourcewise.core.tune import base as base_mod
from sourcewise.core.tune.convert import convert_adapter, converter_dir
from sourcewise.core.tune.data import Record, load_records
from sourcewise.core.tune.train import TARGET_MODULES, TrainParams, chat_tokenizer, train_lora

REQUIRED = ("torch", "transformers", "peft", "gguf")


@dataclass(frozen=True)
class TuneOptions:
    name: str
    params: TrainParams = field(default_factory=TrainParams)
    raft: bool = False
    base: str | None = None  # manifest name or .gguf path; default: the configured chat model
    distractors: int = 3


def missing_dependencies() -> list[str]:
    """The training packages that are not installed (``pip install 'sourcewise[tune]'``)."""
    return [name for name in REQUIRED if importlib.util.find_spec(name) is None]


def adapters_dir(settings: Settings) -> Path:
    return settings.resolved_models_dir / "adapters"


def build_conversations(
    records: list[Record], engine: Engine | None, options: TuneOptions
) -> tuple[list[list[Message]], int]:
    """Training conversations and how many records were dropped (RAFT without a gold passage)."""
    if not options.raft:
        return [r.closed_book() for r in records], 0
    if engine is None:
        raise SourcewiseError("RAFT needs the index: run `sourcewise index` first")
    from sourcewise.core.tune.raft import raft_messages

    convs = []
    for r in records:
        msgs = raft_messages(engine, r, n_distractors=options.distractors, seed=options.params.seed)
        if msgs is not None:
            convs.append(msgs)
    return convs, len(records) - len(convs)


def tune(
    settings: Settings,
    data: Path,
    options: TuneOptions,
    *,
    engine: Engine | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> AdapterCard:
    """Train an adapter and install it as ``options.name``; returns its card."""
    missing = missing_dependencies()
    if missing:
        raise SourcewiseError(f"tuning needs {', '.join(missing)}: "
                              "pip install 'sourcewise[tune]' (with your torch version pinned)")  # fmt: skip
    if not options.name or "/" in options.name or options.name.startswith("."):
        raise SourcewiseError(f"invalid adapter name {options.name!r}")
    t0 = time.perf_counter()
    report = progress or (lambda _: None)
    convs, dropped = build_conversations(load_records(data), engine, options)
    if not convs:
        raise SourcewiseError("no training example left (RAFT found no gold passage for any)")
    base = base_mod.resolve_base(settings, options.base)
    cache = base_mod.cache_dir(settings)
    cache.mkdir(parents=True, exist_ok=True)
    tools = converter_dir(cache, report)
    float_dir = base_mod.ensure_float_base(settings, base, progress=report, cancel=cancel)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    report(Progress("load", 0, 1, f"loading {float_dir.name}"))
    tokenizer = AutoTokenizer.from_pretrained(float_dir)
    model = AutoModelForCausalLM.from_pretrained(float_dir, dtype=torch.float32)
    target = adapters_dir(settings) / f"{options.name}.gguf"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".tune-", dir=cache) as tmp:
        peft_dir = Path(tmp) / "adapter"
        result = train_lora(model, chat_tokenizer(tokenizer), convs, options.params, peft_dir,
                            progress=report, cancel=cancel)  # fmt: skip
        report(Progress("export", 0, 1, "converting the adapter to GGUF"))
        staged = convert_adapter(tools, float_dir, peft_dir, Path(tmp) / "adapter.gguf")
        shutil.move(str(staged), target)
    p = options.params
    card = AdapterCard(
        name=options.name, base_model=base.name, base_sha256=base.sha256,
        data_file=str(data.resolve()), data_sha256=file_sha256(data), examples=result.examples,
        raft=options.raft,
        parameters={"rank": p.rank, "alpha": p.alpha, "lr": p.lr, "steps": p.steps,
                    "max_tokens": p.max_tokens, "seed": p.seed, "dropout": 0.0,
                    "decision_weight": p.decision_weight, "decision_tokens": p.decision_tokens,
                    "layers": p.layers,
                    "target_modules": list(TARGET_MODULES), "skipped": result.skipped,
                    "dropped_without_gold": dropped, "distractors": options.distractors,
                    "conversations_sha256": data_digest(convs)},
        steps=len(result.losses), final_loss=result.losses[-1] if result.losses else None,
        losses=result.losses, training_seconds=round(result.seconds, 1),
        total_seconds=round(time.perf_counter() - t0, 1), device=result.device,
        created=datetime.now().isoformat(timespec="seconds"), adapter_file=str(target),
        adapter_sha256=file_sha256(target),
    )  # fmt: skip
    save_card(card, target)
    report(Progress("done", 1, 1, f"adapter {target}"))
    return card


def data_digest(conversations: list[list[Message]]) -> str:
    """sha256 of the exact training conversations (RAFT prompts depend on the index)."""
    digest = hashlib.sha256()
    for conv in conversations:
        for msg in conv:
            digest.update(f"{msg['role']}\x00{msg['content']}\x01".encode())
    return digest.hexdigest()
