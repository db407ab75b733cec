"""Training data: formats, closed-book prompts, label masks, RAFT prompts."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from sourcewise.core.answer import prompts
from sourcewise.core.engine import Engine
from sourcewise.core.errors import SourcewiseError
from sourcewise.core.eval.modes import CLOSED_BOOK_SYSTEM
from sourcewise.core.llm.base import Message
from sourcewise.core.tune.data import Record, load_records
from sourcewise.core.tune.raft import cite, raft_messages
from sourcewise.core.tune.train import IGNORE, encode


def _write(path: Path, *rows: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_both_formats_load(tmp_path: Path) -> None:
    chat = {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Q?"},
                         {"role": "assistant", "content": "A."}]}  # fmt: skip
    pair = {"question": "What is X?", "answer": "X is 1.", "sources": [{"path": "a.md"}]}
    records = load_records(_write(tmp_path / "d.jsonl", chat, pair))
    assert records[0].messages == chat["messages"]
    assert records[1].closed_book() == [
        {"role": "system", "content": CLOSED_BOOK_SYSTEM},
        {"role": "user", "content": "What is X?"},
        {"role": "assistant", "content": "X is 1."},
    ]
    assert records[1].source_paths == [str(tmp_path / "a.md")]


def test_a_gold_set_trains_on_its_answerable_questions() -> None:
    from tests.eval.conftest import GOLD_FIXTURE

    records = load_records(GOLD_FIXTURE)
    assert len(records) == 8 and all(r.answer and r.source_paths for r in records)


@pytest.mark.parametrize("row", [
    {"messages": [{"role": "user", "content": "no answer"}]},
    {"messages": [{"role": "robot", "content": "x"}, {"role": "assistant", "content": "y"}]},
    {"question": "only a question"},
    {"question": "", "answer": "x"},
])  # fmt: skip
def test_bad_lines_name_their_line(tmp_path: Path, row: object) -> None:
    with pytest.raises(SourcewiseError, match=r"d.jsonl:2: not a training example"):
        load_records(_write(tmp_path / "d.jsonl", {"question": "q", "answer": "a"}, row))


def fake_tokenize(messages: Sequence[Message], add_generation_prompt: bool) -> list[int]:
    """ChatML-like, one token per character."""
    text = "".join(f"<{m['role']}>{m['content']}</>" for m in messages)
    return [ord(c) for c in text + ("<assistant>" if add_generation_prompt else "")]


def test_loss_only_on_assistant_turns() -> None:
    conv: list[Message] = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"},
                           {"role": "user", "content": "?"}, {"role": "assistant", "content": "ok"}]  # fmt: skip
    ids, labels = encode(fake_tokenize, conv)
    kept = "".join(chr(t) for t, lab in zip(ids, labels, strict=True) if lab != IGNORE)
    assert kept == "yo</>ok</>"  # contents and end-of-turn markers, nothing of the prompts
    assert len(ids) == len(labels) and labels[0] == IGNORE


def test_cite_marks_every_sentence() -> None:
    assert cite("It is 1.7 litres. It boils fast!", 2) == "It is 1.7 litres. [2] It boils fast! [2]"
    assert cite("Already cited [1].", 3) == "Already cited [1]."


def test_raft_prompt_is_the_answer_prompt_with_the_gold_passage_cited(engine: Engine) -> None:
    record = Record(question="What is the daily meal allowance for a full travel day?",
                    answer="The daily meal allowance is 65 EUR for a full travel day.")  # fmt: skip
    msgs = raft_messages(engine, record, n_distractors=3, seed=1)
    assert msgs is not None and [m["role"] for m in msgs] == ["system", "user", "assistant"]
    assert msgs[0]["content"] == prompts.SYSTEM
    user = msgs[1]["content"]
    head, tail = prompts.USER.split("{sources}")
    assert user.startswith(head) and user.endswith(tail.format(question=record.question))
    labels = re.findall(r"^\[(\d+)\] (\S+)", user, re.M)
    assert [int(n) for n, _ in labels] == [1, 2, 3, 4]
    gold = [int(n) for n, name in labels if name == "northwind_travel_policy.md"]
    assert len(gold) == 1  # the distractors come from other documents
    assert msgs[2]["content"].endswith(f"[{gold[0]}]")
    body = user.split(f"[{gold[0]}] northwind_travel_policy.md")[1]
    assert "65 EUR" in body.split("\n[")[0]


def test_raft_respects_named_sources(engine: Engine, corpus: Path) -> None:
    record = Record(question="How long is the warranty?", answer="2 years.",
                    source_paths=[str(corpus / "helio_kettle_hk200_manual.md")])  # fmt: skip
    msgs = raft_messages(engine, record, n_distractors=2, seed=0)
    assert msgs is not None
    n = int(msgs[2]["content"].rsplit("[", 1)[1].rstrip("]"))
    assert f"[{n}] helio_kettle_hk200_manual.md" in msgs[1]["content"]
