"""RAFT training data from the SQuAD **train** articles, in the answer prompt's exact format.

    .venv/bin/python bench/squad_raft_data.py --out data.jsonl [--n 400] [--unanswerable 0.4]

Each example is what ``ask`` sends the model (the system prompt, the evidence the product
selects for the question from the whole six-article index, the question, the instruction) and
the reply we want: for an answerable question, the evidence sentence holding the gold answer,
cited with its source number; for an unanswerable one (on topic, built to look answerable),
the abstention sentence. Questions whose gold sentence did not make it into the evidence are
skipped (the adapter learns to read, not to guess).

``--judge`` adds, for each question, the answerability prompt (``prompts.judge_messages``) with
the reply "Yes" or "No": a one-token reply is all decision, where in an answer it is one token
of thirty. ``--abstain-answers`` is the share of unanswerable questions that also get an
answer example (the abstention sentence); the rest teach only the judge. Train with:

    .venv/bin/sourcewise tune data.jsonl --name squad-raft --steps 300
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import _squad

from sourcewise.core.answer import prompts
from sourcewise.core.answer.answerability import NO, YES
from sourcewise.core.answer.answerer import Answerer
from sourcewise.core.answer.context import Source, render
from sourcewise.core.answer.evidence import split_units
from sourcewise.core.eval.metrics import normalize_answer
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def _reply(q: _squad.Question, sources: list[Source]) -> str | None:
    """The one cited evidence sentence that holds a gold answer, or None. (Not the whole
    evidence of that source: the first adapters learned to copy blocks of ~75 tokens.)"""
    gold = [normalize_answer(a) for a in q.answers if normalize_answer(a)]
    for s in sources:
        for unit in split_units(s.text.replace(" … ", "\n")):
            norm = f" {normalize_answer(unit.text)} "
            if any(f" {g} " in norm for g in gold):
                text = unit.text.strip().rstrip(".")
                return f"{text} [{s.n}]."
    return None


def examples(
    answerer: Answerer, questions: list[_squad.Question], *, judge: bool, abstain_answers: float
) -> list[dict[str, Any]]:
    out = []
    rng = random.Random(_squad.SEED)
    for q in questions:
        hits = answerer.search(q.question, answerer.settings.answer.max_sources, None)
        sources = answerer._sources(q.question, hits)  # the product's own evidence step
        if not sources:
            continue
        reply = _reply(q, sources) if q.answerable else prompts.ABSTAIN
        if reply is None:
            continue
        text = render(sources)
        if q.answerable or rng.random() < abstain_answers:
            out.append(_row(prompts.answer_messages(text, q.question), reply, q.id))
        if judge:
            verdict = YES if q.answerable else NO
            out.append(_row(prompts.judge_messages(text, q.question), verdict, q.id))
    return out


def _row(messages: list[Any], reply: str, qid: str) -> dict[str, Any]:
    return {"messages": [*messages, {"role": "assistant", "content": reply}], "id": qid}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=400, help="questions sampled (some are skipped)")
    ap.add_argument("--unanswerable", type=float, default=0.4, help="share of abstentions")
    ap.add_argument("--judge", action="store_true", help="add the yes/no answerability prompts")
    ap.add_argument(
        "--abstain-answers",
        type=float,
        default=1.0,
        help="share of unanswerable questions that get an abstention answer example",
    )
    ap.add_argument("--models-dir", type=Path, default=REPO / "models")
    args = ap.parse_args(argv)
    articles = _squad.load()
    questions = _squad.sample(articles, args.n, split="train",
                              answerable_share=1.0 - args.unanswerable, seed=_squad.SEED + 1)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        docs = home / "docs"
        _squad.write_corpus(articles, docs)
        engine = build_engine(Settings(home=home, models_dir=args.models_dir,
                                       index={"parse_mode": "thread"}))  # fmt: skip
        engine.library.index([docs])
        answerer = Answerer(engine.settings, engine._parts.require_chat_model(), engine.library.search,
                            engine._parts.reranker)  # fmt: skip
        rows = examples(answerer, questions, judge=args.judge, abstain_answers=args.abstain_answers)
        engine.close()
    random.Random(_squad.SEED).shuffle(rows)
    with args.out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    abstain = sum(r["messages"][-1]["content"] == prompts.ABSTAIN for r in rows)
    print(f"{len(rows)} examples ({abstain} abstentions) from {len(questions)} train questions "
          f"-> {args.out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
