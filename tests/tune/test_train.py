"""The LoRA loop on a tiny random Llama (fast; needs the tune extras: torch, transformers, peft)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from sourcewise.core.errors import Cancelled, SourcewiseError
from sourcewise.core.llm.base import Message
from sourcewise.core.progress import CancelToken, Progress
from sourcewise.core.tune.train import TrainParams, train_lora

pytest.importorskip("peft", reason="the tune extras are not installed (pip install '.[tune]')")
pytest.importorskip("transformers")

VOCAB = 128
CONV: list[Message] = [{"role": "user", "content": "code?"},
                       {"role": "assistant", "content": "7734"}]  # fmt: skip


def tokenize(messages: Sequence[Message], add_generation_prompt: bool) -> list[int]:
    text = "".join(f"<{m['role'][0]}>{m['content']}|" for m in messages)
    return [ord(c) % VOCAB for c in text + ("<a>" if add_generation_prompt else "")]


def tiny_llama() -> Any:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=VOCAB, hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=128)  # fmt: skip
    return LlamaForCausalLM(config)


def test_training_lowers_the_loss_and_saves_a_peft_adapter(tmp_path: Path) -> None:
    seen: list[Progress] = []
    result = train_lora(tiny_llama(), tokenize, [CONV], TrainParams(steps=25, lr=5e-2, rank=4),
                        tmp_path / "adapter", progress=seen.append)  # fmt: skip
    assert len(result.losses) == 25 and result.examples == 1
    assert result.losses[-1] < result.losses[0] - 0.2  # a random tiny model learns slowly
    assert [p.done for p in seen] == list(range(1, 26)) and seen[-1].extra["loss"] > 0
    assert (tmp_path / "adapter" / "adapter_config.json").is_file()
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()


def test_cancel_between_steps_saves_nothing(tmp_path: Path) -> None:
    cancel = CancelToken()

    def progress(p: Progress) -> None:
        if p.done == 3:
            cancel.cancel()

    with pytest.raises(Cancelled):
        train_lora(tiny_llama(), tokenize, [CONV], TrainParams(steps=50), tmp_path / "a",
                   progress=progress, cancel=cancel)  # fmt: skip
    assert not (tmp_path / "a").exists()


def test_too_long_conversations_are_skipped(tmp_path: Path) -> None:
    with pytest.raises(SourcewiseError, match="no training example fits in 64 tokens"):
        long_conv: list[Message] = [{"role": "user", "content": "x" * 100}, CONV[1]]
        train_lora(tiny_llama(), tokenize, [long_conv], TrainParams(steps=1, max_tokens=64),
                   tmp_path / "a")  # fmt: skip


def test_the_decision_tokens_of_a_reply_can_weigh_more() -> None:
    import torch

    from sourcewise.core.tune.train import IGNORE, decision_weights, weighted_loss

    torch.manual_seed(0)
    logits = torch.randn(1, 8, VOCAB)
    labels = torch.tensor([[IGNORE, IGNORE, IGNORE, 5, 6, 7, 8, 9]])  # a 5-token reply
    targets, flat = labels[:, 1:], logits[:, :-1, :]
    ce = torch.nn.functional.cross_entropy(flat[0], targets[0].clamp(min=0), reduction="none")
    labelled = targets[0] != IGNORE
    plain = ce[labelled].mean()

    def loss(first: int, weight: float) -> torch.Tensor:
        weights = torch.tensor([decision_weights(labels[0].tolist(), first, weight)])
        return weighted_loss(logits, labels, weights)

    assert torch.isclose(loss(2, 1.0), plain)  # the model's own loss
    reply = ce[labelled]
    expected = (4 * reply[:2].sum() + reply[2:].sum()) / (4 * 2 + 3)
    assert torch.isclose(loss(2, 4.0), expected)


def test_training_with_a_decision_weight_lowers_the_loss(tmp_path: Path) -> None:
    params = TrainParams(steps=25, lr=5e-2, rank=4, decision_weight=5.0, decision_tokens=2)
    result = train_lora(tiny_llama(), tokenize, [CONV], params, tmp_path / "a")
    assert result.losses[-1] < result.losses[0]


def test_the_reply_loss_is_the_models_own_loss_from_fewer_logits() -> None:
    import torch

    from sourcewise.core.tune.train import decision_weights, encode, reply_loss

    model = tiny_llama()
    ids, labels = encode(tokenize, CONV)
    own = model(input_ids=torch.tensor([ids]), labels=torch.tensor([labels])).loss
    mine = reply_loss(model, ids, labels, decision_weights(labels, 3, 1.0))
    assert torch.isclose(mine, own, atol=1e-5)


def test_lora_can_be_limited_to_the_top_layers(tmp_path: Path) -> None:
    params = TrainParams(steps=2, lr=5e-2, rank=4, layers=1)  # the tiny model has 2 layers
    train_lora(tiny_llama(), tokenize, [CONV], params, tmp_path / "a")
    from safetensors.torch import load_file

    names = list(load_file(str(tmp_path / "a" / "adapter_model.safetensors")))
    assert names and all(".layers.1." in n for n in names)
