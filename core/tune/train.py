"""The LoRA training loop (peft on torch), CPU or CUDA, with loss on assistant tokens only.

One optimizer step takes one conversation (the data cycles, shuffled per epoch, seeded);
small models and CPUs gain nothing from padding batches. Progress is reported after every
step and the cancel token is checked between steps.

Two things keep a CPU step short. Logits are computed only where a reply token is predicted:
the output layer over a 150k vocabulary is about a quarter of a small model's forward pass,
and a RAFT prompt is mostly sources. And ``layers`` can put LoRA on the top layers only, so
the backward pass stops at the lowest adapted layer instead of running through all of them.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourcewise.core.errors import SourcewiseError
from sourcewise.core.llm.base import Message
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback

TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj")
IGNORE = -100  # label value the loss skips


@dataclass(frozen=True)
class TrainParams:
    steps: int = 100
    rank: int = 8
    lr: float = 2e-4
    max_tokens: int = 2048  # longer conversations are skipped
    seed: int = 0
    threads: int = 0  # torch CPU threads; 0: half the cores (see cpu_threads)
    # Weight of each reply's first ``decision_tokens`` tokens in the loss (1: a plain mean).
    # Those tokens decide between answering and declining; in a mean over a 40-token quoted
    # answer they are 1/40 of it, and the first SQuAD RAFT adapter learned to decline almost
    # everything at a final loss of 0.036 (docs/benchmarks.md).
    decision_weight: float = 1.0
    decision_tokens: int = 3
    layers: int = 0  # LoRA on the top ``layers`` transformer layers only; 0: all of them

    @property
    def alpha(self) -> int:
        return 2 * self.rank


@dataclass
class TrainResult:
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0
    examples: int = 0
    skipped: int = 0
    device: str = "cpu"


def cpu_threads(requested: int) -> int:
    """Torch threads for CPU training: ``requested``, or half the cores when 0. Oversubscribed
    cores are far worse than idle ones here: on a busy 2-core machine one thread ran a
    SmolLM2-135M step in 1.7 s and two threads in 8-65 s."""
    return requested or max(1, (os.cpu_count() or 2) // 2)


Tokenize = Callable[[Sequence[Message], bool], list[int]]  # (messages, add_generation_prompt)


def encode(tokenize: Tokenize, messages: Sequence[Message]) -> tuple[list[int], list[int]]:
    """Token ids and labels of one conversation: labels copy the ids inside assistant turns
    (their content and end-of-turn marker) and are ``IGNORE`` elsewhere."""
    ids = tokenize(messages, False)
    labels = [IGNORE] * len(ids)
    for i, msg in enumerate(messages):
        if msg["role"] == "assistant":  # its tokens: between the prompt before it and its end
            start = len(tokenize(messages[:i], True))
            end = min(len(tokenize(messages[: i + 1], False)), len(ids))
            labels[start:end] = ids[start:end]
    return ids, labels


def chat_tokenizer(tokenizer: Any) -> Tokenize:
    """A :data:`Tokenize` over a Hugging Face tokenizer's chat template."""

    def tokenize(messages: Sequence[Message], add_generation_prompt: bool) -> list[int]:
        if not messages:
            return []
        out = tokenizer.apply_chat_template(list(messages), tokenize=True,
                                            add_generation_prompt=add_generation_prompt)  # fmt: skip
        ids = out["input_ids"] if hasattr(out, "keys") else out
        return [int(t) for t in ids]

    return tokenize


def decision_weights(labels: Sequence[int], first: int, weight: float) -> list[float]:
    """The loss weight of each predicted token (``labels[1:]``: position t predicts label
    t+1): ``weight`` for the first ``first`` labelled tokens of each reply (a run of labelled
    tokens), 1 for the other labelled ones, 0 elsewhere. Computed once per example."""
    out: list[float] = []
    run, previous = 0, False
    for label in labels[1:]:
        labelled = label != IGNORE
        run = run + 1 if labelled and previous else int(labelled)
        previous = labelled
        out.append((weight if run <= first else 1.0) if labelled else 0.0)
    return out


def weighted_loss(logits: Any, labels: Any, weights: Any) -> Any:
    """Cross-entropy over the predicted tokens (as the model's own loss), each weighted by
    ``weights`` (a tensor shaped like ``labels[:, 1:]``, from :func:`decision_weights`)."""
    import torch

    logits, targets = logits[:, :-1, :], labels[:, 1:]
    ce = torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]).float(),
        targets.reshape(-1).clamp(min=0),
        reduction="none",
    ).reshape(targets.shape)
    return (ce * weights).sum() / weights.sum()


def reply_loss(model: Any, ids: list[int], labels: list[int], weights: list[float]) -> Any:
    """The weighted loss of one conversation, with logits only from the position before its
    first reply token on (the model's own ``labels`` loss would compute them everywhere)."""
    import torch

    first = next(i for i in range(1, len(labels)) if labels[i] != IGNORE)
    keep = len(ids) - first + 1  # positions first-1 .. end predict labels first .. end
    device = next(model.parameters()).device
    out = model(input_ids=torch.tensor([ids], device=device), logits_to_keep=keep)
    tail = torch.tensor([labels[first - 1 :]], device=device)
    return weighted_loss(out.logits, tail, torch.tensor([weights[first - 1 :]], device=device))


def lora_config(model: Any, params: TrainParams) -> Any:
    """LoRA on q/k/v/o of every layer, or of the top ``params.layers``."""
    from peft import LoraConfig

    total = int(model.config.num_hidden_layers)
    layers = None
    if 0 < params.layers < total:
        layers = list(range(total - params.layers, total))
    return LoraConfig(r=params.rank, lora_alpha=params.alpha, lora_dropout=0.0,
                      target_modules=list(TARGET_MODULES), layers_to_transform=layers,
                      task_type="CAUSAL_LM")  # fmt: skip


def train_lora(
    model: Any,
    tokenize: Tokenize,
    conversations: Sequence[Sequence[Message]],
    params: TrainParams,
    out_dir: Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> TrainResult:
    """Wrap ``model`` (a transformers causal LM) with LoRA on q/k/v/o, train, save the peft
    adapter to ``out_dir``. Raises :class:`Cancelled` when cancelled (nothing is saved)."""
    import torch
    from peft import get_peft_model

    torch.set_num_threads(cpu_threads(params.threads))
    torch.manual_seed(params.seed)
    result = TrainResult(device="cuda" if torch.cuda.is_available() else "cpu")
    examples: list[tuple[list[int], list[int], list[float]]] = []
    for conv in conversations:
        ids, labels = encode(tokenize, conv)
        if len(ids) > params.max_tokens or all(x == IGNORE for x in labels[1:]):
            result.skipped += 1
            continue
        weights = decision_weights(labels, params.decision_tokens, params.decision_weight)
        examples.append((ids, labels, weights))
    if not examples:
        raise SourcewiseError(f"no training example fits in {params.max_tokens} tokens")
    result.examples = len(examples)
    peft_model = get_peft_model(model, lora_config(model, params)).to(result.device)
    optimizer = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad],
                                  lr=params.lr)  # fmt: skip
    rng = random.Random(params.seed)
    order: list[int] = []
    peft_model.train()
    start = time.perf_counter()
    for step in range(1, params.steps + 1):
        if cancel is not None:
            cancel.check()
        if not order:
            order = list(range(len(examples)))
            rng.shuffle(order)
        loss = reply_loss(peft_model, *examples[order.pop()])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        result.losses.append(round(float(loss.detach()), 5))
        elapsed = time.perf_counter() - start
        if progress is not None:
            progress(Progress("train", step, params.steps, f"loss {result.losses[-1]:.4f}",
                              rate=step / elapsed if elapsed else 0.0,
                              eta_s=elapsed / step * (params.steps - step),
                              extra={"loss": result.losses[-1]}))  # fmt: skip
    result.seconds = time.perf_counter() - start
    if cancel is not None:
        cancel.check()
    peft_model.save_pretrained(str(out_dir))
    return result
