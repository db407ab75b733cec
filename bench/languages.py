"""Every language: retrieval (and a sample of answers) on XQuAD, per language and per system.

    .venv/bin/python bench/languages.py [--half tune|report] [--langs en,de,zh,...]
        [--systems default,no-rerank,...] [--questions 40] [--answers 0] [--cross zh,de,ar]

For each language, all 16 articles of ``xquad.<lang>.json`` are indexed (one Markdown file per
article, so the other half's articles are distractors) and ``--questions`` questions of the
chosen half (bench/_xquad.py; tune on ``tune``, report on ``report``) are searched with ``-k 5``
through the engine facade. gold@1 / gold@5: a gold answer's text inside the first hit / one of
the first five (as issue 23 measured). ``--cross``: the English question over that language's
documents (the same question id). ``--answers N``: N questions per language asked through
``Engine.ask``; *contains*: the answer, its ``[n]`` markers and spaces dropped, holds a gold
answer, its spaces dropped (a substring, so an Arabic clitic does not hide it); *MLQA-normalised*:
the same after MLQA's evaluation normalisation (punctuation, and articles in en, es, de, ar,
vi: "die Verfeuerung" holds the gold "der Verfeuerung"). Systems
(settings over the same files, each its own index):

- ``default``: the shipped settings (bge-small-en, the English cross-encoder);
- ``no-rerank``: the same without the cross-encoder;
- ``multilingual`` / ``multilingual-no-rerank``: ``embed.model = --multilingual`` (when
  installed), with and without the cross-encoder.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _xquad
from _answer_metrics import mlqa_contains

HERE = Path(__file__).resolve().parent
SYSTEMS = {
    "default": {},
    "no-rerank": {"retrieval": {"rerank": False}},
    "multilingual": {"embed": {"model": "{multilingual}"}},
    "multilingual-no-rerank": {
        "embed": {"model": "{multilingual}"},
        "retrieval": {"rerank": False},
    },
}


def write_library(lang: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for title in (*_xquad.TUNE_ARTICLES, *_xquad.REPORT_ARTICLES):
        text = f"# {title.replace('_', ' ')}\n\n" + "\n\n".join(_xquad.paragraphs(lang, title))
        (folder / f"{title}.md").write_text(text + "\n", encoding="utf-8")


def sample(lang: str, half: _xquad.Half, n: int) -> list[_xquad.ArticleQuestion]:
    titles = _xquad.TUNE_ARTICLES if half == "tune" else _xquad.REPORT_ARTICLES
    qs = [q for t in titles for q in _xquad.questions(lang, t)]
    random.Random(23).shuffle(qs)  # the number: the same sample every run
    return qs[:n]


def _settings(system: str, home: Path, models_dir: Path, multilingual: str) -> Any:
    from sourcewise.core.settings import Settings

    extra = json.loads(json.dumps(SYSTEMS[system]).replace("{multilingual}", multilingual))
    return Settings(home=home, models_dir=models_dir, index={"parse_mode": "thread"}, **extra)


def run_language(lang: str, system: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from sourcewise.core.factory import build_engine

    docs = work / f"docs-{lang}"
    write_library(lang, docs)
    engine = build_engine(_settings(system, work / f"home-{lang}-{system}", args.models_dir,
                                    args.multilingual))  # fmt: skip
    t0 = time.perf_counter()
    report = engine.library.index([docs])
    row: dict[str, Any] = {"lang": lang, "system": system, "chunks": report.chunks,
                           "chunks_per_s": report.chunks / (time.perf_counter() - t0)}  # fmt: skip
    questions = sample(lang, args.half, args.questions)
    row["top1"], row["top5"] = _retrieval(engine, [(q.question, q.answers) for q in questions])
    if lang in args.cross.split(","):
        english = _english_questions(questions)
        pairs = [(english[q.id], q.answers) for q in questions if q.id in english]
        row["cross_top1"], row["cross_top5"] = _retrieval(engine, pairs)
    if args.answers:
        row["contains"], row["contains_mlqa"] = _answers(engine, questions[: args.answers])
    engine.close()
    return row


def _english_questions(questions: list[_xquad.ArticleQuestion]) -> dict[str, str]:
    out = {}
    for title in {q.article for q in questions}:
        out.update({q.id: q.question for q in _xquad.questions("en", title)})
    return out


def _retrieval(engine: Any, pairs: list[tuple[str, tuple[str, ...]]]) -> tuple[float, float]:
    top1 = top5 = 0
    for question, answers in pairs:
        hits = engine.library.search(question, 5)
        holds = [any(a in h.text for a in answers) for h in hits]
        top1 += bool(holds[:1] and holds[0])
        top5 += any(holds)
    n = max(1, len(pairs))
    return top1 / n, top5 / n


def _answers(engine: Any, questions: list[_xquad.ArticleQuestion]) -> tuple[float, float]:
    from sourcewise.core.answer.citations import strip_markers

    right = normalised = 0
    for q in questions:
        try:
            ans = engine.answers.ask(q.question)
        except Exception as exc:  # noqa: BLE001 - a crash is a result the table shows
            print(f"{q.lang} {q.id}: CRASH {exc!r}", file=sys.stderr)
            continue
        said = "".join(strip_markers(ans.answer).split())  # "[1]" is no part of an answer
        right += (not ans.abstained) and any("".join(a.split()) in said for a in q.answers)
        normalised += (not ans.abstained) and mlqa_contains(ans.answer, q.answers, q.lang)
    n = max(1, len(questions))
    return right / n, normalised / n


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| language | system | gold@1 | gold@5 | English question: gold@1 | gold@5 | "
             "answer contains | contains, MLQA-normalised | chunks/s |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r['lang']} | {r['system']} | {r['top1']:.2f} | {r['top5']:.2f} | "
                     f"{_f(r.get('cross_top1'))} | {_f(r.get('cross_top5'))} | "
                     f"{_f(r.get('contains'))} | {_f(r.get('contains_mlqa'))} | "
                     f"{r['chunks_per_s']:.0f} |")  # fmt: skip
    return "\n".join(lines)


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("tune", "report"), default="tune")
    ap.add_argument("--langs", default=",".join(_xquad.LANGUAGES))
    ap.add_argument("--systems", default="default,no-rerank")
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--answers", type=int, default=0)
    ap.add_argument("--cross", default="zh,de,ar")
    ap.add_argument("--multilingual", default="embeddinggemma-300m")
    ap.add_argument("--models-dir", type=Path, default=HERE.parent / "models")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="sw-languages-") as tmp:
        for lang in args.langs.split(","):
            for system in args.systems.split(","):
                rows.append(run_language(lang, system, args, Path(tmp)))
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
