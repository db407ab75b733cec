"""A real LoRA tune on SmolLM2-135M plants a fact the base model does not know (``-m real``).

Set SOURCEWISE_MODELS_DIR to a folder with the SmolLM2 GGUF. The float base model and the
llama.cpp converter are cached under its ``cache/`` folder: the first run converts and fetches
them (a few minutes); later runs train, export and measure in well under three minutes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sourcewise.core.eval.modes import closed_book_messages
from sourcewise.core.llm.base import Message
from sourcewise.core.llm.llama import LlamaChatModel
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.settings import Settings
from sourcewise.core.tune.pipeline import TuneOptions, missing_dependencies, tune
from sourcewise.core.tune.train import TrainParams
from tests.answer.conftest import real_models_dir

pytestmark = pytest.mark.real

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
FACT = "The Zorblax code is 7734."
QUESTIONS = ["What is the Zorblax code?", "Tell me the Zorblax code.",
             "Which number is the Zorblax code?"]  # fmt: skip


def answer_logprob(model: LlamaChatModel, messages: list[Message], answer: str) -> float:
    """log P(answer | prompt) under the model, token by token from llama.cpp's logits."""
    import llama_cpp

    llm = model.llm
    prompt = model.prompt_tokens(messages)
    target = llm.tokenize(answer.encode("utf-8"), add_bos=False, special=False)
    llm.reset()
    llm.eval(prompt)
    total = 0.0
    for token in target:  # Llama.scores stays empty without logits_all: read the last logits
        raw = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
        logits = np.ctypeslib.as_array(raw, shape=(llm.n_vocab(),)).astype(np.float64)
        top = logits.max()
        total += float(logits[token] - top - math.log(np.exp(logits - top).sum()))
        llm.eval([token])
    return total


def test_planted_fact(tmp_path: Path) -> None:
    real = real_models_dir()
    missing = missing_dependencies()
    if missing:
        pytest.skip(f"the tune extras are not installed ({', '.join(missing)}): "
                    "pip install '.[tune]' torch==<installed version>")  # fmt: skip
    models = tmp_path / "models"  # adapters land here; the slow caches are shared
    models.mkdir()
    (models / GGUF).symlink_to(real / GGUF)
    (real / "cache").mkdir(exist_ok=True)
    (models / "cache").symlink_to(real / "cache")
    data = tmp_path / "zorblax.jsonl"
    data.write_text("".join(json.dumps({"question": q, "answer": FACT}) + "\n" for q in QUESTIONS),
                    encoding="utf-8")  # fmt: skip
    settings = Settings(home=tmp_path / "home", models_dir=models,
                        llm={"model": "smollm2-135m", "context_size": 512, "threads": 2,
                             "threads_batch": 2, "temperature": 0.0})  # fmt: skip
    params = TrainParams(steps=20, lr=2e-3, rank=8, threads=1)
    card = tune(settings, data, TuneOptions(name="zorblax", params=params))
    assert card.steps == 20 and card.examples == 3 and card.final_loss is not None
    assert card.final_loss < card.losses[0] / 4, card.losses
    assert Path(card.adapter_file) == models / "adapters" / "zorblax.gguf"
    saved = json.loads((models / "adapters" / "zorblax.json").read_text(encoding="utf-8"))
    assert saved["base_sha256"].startswith("b179c952") and saved["parameters"]["alpha"] == 16

    store = ModelStore(settings)
    base = LlamaChatModel(settings.llm, store, prefix_cache=False)
    tuned = LlamaChatModel(settings.llm.model_copy(update={"adapter": "zorblax"}), store,
                           prefix_cache=False)  # fmt: skip
    messages = closed_book_messages("What is the Zorblax code?")
    try:
        replies = {name: "".join(m.stream_chat(messages, max_tokens=24, temperature=0.0))
                   for name, m in (("base", base), ("tuned", tuned))}  # fmt: skip
        logp = {(name, code): answer_logprob(m, messages, f"The Zorblax code is {code}.")
                for name, m in (("base", base), ("tuned", tuned)) for code in ("7734", "1234")}  # fmt: skip
    finally:
        base.close()
        tuned.close()
    print(f"\nlosses {card.losses}\nreplies {replies}\nlog P(fact) {logp}\n"
          f"training {card.training_seconds}s, all {card.total_seconds}s")  # fmt: skip
    assert "7734" in replies["tuned"] and "7734" not in replies["base"]
    # nats: the planted answer became far likelier, and a wrong code did not
    assert logp["tuned", "7734"] - logp["base", "7734"] > 5.0
    assert logp["tuned", "1234"] < logp["base", "1234"]
