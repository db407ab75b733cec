"""``sourcewise eval generate``: a seeded draft gold set from indexed passages."""

from __future__ import annotations

import json
from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.eval.chunks import sample_passages
from sourcewise.core.eval.generate import generate_gold, parse_reply
from sourcewise.core.eval.gold import load_gold
from tests.eval.conftest import run


def test_parse_reply() -> None:
    assert parse_reply("Question: How long is the warranty\nAnswer: 18 months [1]") == (
        "How long is the warranty?", "18 months")  # fmt: skip
    assert parse_reply("**Question:** What is E3?\n**Answer:** a dry boil") == (
        "What is E3?", "a dry boil")  # fmt: skip
    assert parse_reply("The warranty is 18 months. [1]") is None


def test_sampling_is_seeded_and_spread_over_documents(engine: Engine) -> None:
    first = sample_passages(engine, 7, seed=3)
    assert [p.chunk_id for p in first] == [p.chunk_id for p in sample_passages(engine, 7, seed=3)]
    assert len({p.path for p in first}) == 7  # seven documents, one passage each first
    assert [p.chunk_id for p in sample_passages(engine, 7, seed=4)] != [p.chunk_id for p in first]


def test_generate_with_the_echo_model_is_deterministic(engine: Engine) -> None:
    items = generate_gold(engine, 4, seed=1)
    again = generate_gold(engine, 4, seed=1)
    assert [i.question for i in items] == [i.question for i in again]
    assert len(items) == 4 and all(i.reviewed is False and i.sources for i in items)
    for item in items:  # the echo reply is no "Question:/Answer:" pair: template questions
        assert item.question.startswith("What does ") and item.extra["template"] is True
        assert item.answer and item.extra["generated_by"] == "echo"


def test_generate_cli_writes_reviewable_jsonl_that_eval_reads(indexed_home: Path,
                                                              tmp_path: Path) -> None:  # fmt: skip
    out = tmp_path / "draft.jsonl"
    code, stdout = run(indexed_home, "eval", "generate", "--n", "5", "--out", str(out))
    assert code == 0 and "wrote 5 draft questions" in stdout
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 5 and all(line["reviewed"] is False for line in lines)
    assert all(Path(line["sources"][0]["path"]).is_absolute() for line in lines)
    pdf = [line for line in lines if line["sources"][0]["path"].endswith(".pdf")]
    assert all(line["sources"][0]["page"] >= 1 for line in pdf)
    assert len(load_gold(out)) == 5
    code, stdout = run(indexed_home, "eval", str(out), "--json", "--out", str(tmp_path / "r"))
    assert code == 0
    # each question was drafted from its gold passage: retrieval finds the document
    assert json.loads(stdout)["retrieval"]["document.hit@10"] == 1.0
