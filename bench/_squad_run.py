"""Running the SQuAD answer benchmark: one engine and chat model per row over one shared index,
a scored record per question and row, and cold ``sourcewise ask --json`` subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import _answer_metrics as am
import _answer_rows as rows_
import _squad

from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine, make_chat_model, make_embedder, make_reranker
from sourcewise.core.ingest.chunking import document_text
from sourcewise.core.ingest.parsers import parse_file
from sourcewise.core.llm.base import ChatModel
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.settings import Settings
from sourcewise.core.types import AskOptions

Spans = list[tuple[int, int]]


def gold_spans(
    articles: list[_squad.Article], corpus: dict[str, Path], questions: list[_squad.Question]
) -> dict[str, Spans]:
    """Question id -> its gold answers' character spans in the indexed (extracted) text."""
    by_title = {a.title: a for a in articles}
    texts: dict[str, tuple[str, list[int | None]]] = {}
    out: dict[str, Spans] = {}
    for q in questions:
        art = by_title[q.article]
        if q.article not in texts:
            text, _ = document_text(parse_file(corpus[q.article]))
            texts[q.article] = (text, _squad.paragraph_offsets(art, text))
        text, offsets = texts[q.article]
        out[q.id] = _squad.gold_spans(q, art, offsets, text)
    lost = sum(1 for q in questions if q.answerable and not out[q.id])
    if lost:
        print(f"note: {lost} answerable questions have no placeable gold span "
              "(cited-holds falls back to the citation text)", file=sys.stderr)  # fmt: skip
    return out


def settings_view(s: Settings) -> dict[str, Any]:
    return {g: getattr(s, g).model_dump(mode="json") for g in ("llm", "answer", "retrieval")}


def _tokens(answer: Any, name: str) -> float | None:
    value = getattr(answer.timings, name, None)
    if value is None:
        value = getattr(answer, name, None)
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def score(row: str, q: _squad.Question, answer: Any, file: str, spans: Spans) -> dict[str, Any]:
    """One scored record. ``answer`` is an engine Answer or the same shape read from JSON."""
    engine = bool(answer.abstained)  # the retrieval gate, or the model's own answerability
    prose = am.says_not_covered(answer.answer)
    given = not (engine or prose)
    cites = []
    for c in answer.citations:
        holds = am.contains_gold(c.text, q.answers) or (
            Path(c.path).name == file and am.span_covers(c.start, c.end, spans)
        )
        cites.append({"n": c.n, "file": Path(c.path).name, "page": c.page, "chunk_id": c.chunk_id,
                      "start": c.start, "end": c.end, "supported": c.supported,
                      "holds": q.answerable and holds, "text": c.text})  # fmt: skip
    t = answer.timings
    return {
        "row": row, "id": q.id, "article": q.article, "question": q.question,
        "answerable": q.answerable, "gold": list(q.answers), "answer": answer.answer,
        "abstained": not given, "engine_abstained": engine, "prose_abstained": prose,
        "contains": am.contains_gold(answer.answer, q.answers) if q.answerable and given else (
            False if q.answerable else None),
        "f1": (am.token_f1(answer.answer, q.answers) if given else 0.0) if q.answerable else None,
        "cited_holds": (given and any(c["holds"] for c in cites)) if q.answerable else None,
        "uncited": (not cites or bool(getattr(answer, "uncited", False))) if given else None,
        "reason": getattr(answer, "reason", "") or None,  # why the engine abstained or repaired
        "citations": cites,
        "retrieve_ms": t.retrieve_ms, "ttft_ms": t.ttft_ms, "tokens_per_s": t.tokens_per_s,
        "total_ms": getattr(t, "total_ms", None) or None,
        "prompt_tokens": _tokens(answer, "prompt_tokens"),
        "source_tokens": _tokens(answer, "source_tokens"),
    }  # fmt: skip


class Bench:
    """The rows' engines: one embedder and index for all, a reranker per distinct retrieval
    settings, and a chat model per row (no row reuses another's prompt cache)."""

    def __init__(self, settings: dict[str, Settings]) -> None:
        first = next(iter(settings.values()))
        embedder = make_embedder(first, ModelStore(first))
        rerankers: dict[str, Any] = {}
        self.models: list[ChatModel] = []
        self.engines: dict[str, Engine] = {}
        for name, s in settings.items():
            store = ModelStore(s)
            key = s.retrieval.model_dump_json()
            if key not in rerankers:
                rerankers[key] = make_reranker(s, store)
            model = make_chat_model(s, store)
            if model is not None:
                self.models.append(model)
            self.engines[name] = build_engine(s, embedder=embedder, chat_model=model,
                                              reranker=rerankers[key])  # fmt: skip

    def index(self, folder: Path) -> dict[str, Any]:
        report = next(iter(self.engines.values())).library.index([folder])
        return {"files": report.files_indexed, "failed": report.files_failed,
                "chunks": report.chunks, "seconds": report.seconds}  # fmt: skip

    def warm_up(self, question: str) -> dict[str, float]:
        """Load each row's model and answer one answerable question from the other half, as
        an app that has already answered something has; seconds per row."""
        out = {}
        for name, engine in self.engines.items():
            start = time.perf_counter()
            engine._parts.require_chat_model().warm_up()
            engine.answers.ask(question)
            out[name] = time.perf_counter() - start
            print(f"{name}: loaded and warmed up in {out[name]:.1f} s", file=sys.stderr)
        return out

    def ask(self, name: str, q: _squad.Question, file: str, spans: Spans) -> dict[str, Any]:
        start = time.perf_counter()
        first: list[float] = []

        def on_token(_piece: str) -> None:
            if not first:
                first.append(time.perf_counter())

        answer = self.engines[name].answers.ask(q.question, AskOptions(on_token=on_token))
        rec = score(name, q, answer, file, spans)
        rec["wall_ms"] = (time.perf_counter() - start) * 1000
        rec["first_token_ms"] = (
            (first[0] - start) * 1000 if first and answer.timings.ttft_ms > 0 else None
        )
        return rec

    def ask_all(
        self, questions: list[_squad.Question], corpus: dict[str, Path], spans: dict[str, Spans]
    ) -> tuple[list[dict[str, Any]], bool]:
        """Every question through every row, rows taking turns in rotating order; on Ctrl-C,
        the questions finished so far (by all rows) and True."""
        names = list(self.engines)
        records: list[dict[str, Any]] = []
        try:
            for i, q in enumerate(questions):
                turn = i % len(names)
                for name in names[turn:] + names[:turn]:
                    rec = self.ask(name, q, corpus[q.article].name, spans[q.id])
                    records.append(rec)
                    _progress(i, len(questions), rec)
        except KeyboardInterrupt:
            done = {q.id for q in questions
                    if sum(r["id"] == q.id for r in records) == len(names)}  # fmt: skip
            return [r for r in records if r["id"] in done], True
        return records, False

    def close(self) -> None:
        for engine in self.engines.values():
            engine.close()
        for model in self.models:
            close = getattr(model, "close", None)
            if close is not None:
                close()


def _progress(i: int, n: int, rec: dict[str, Any]) -> None:
    kind = "answerable" if rec["answerable"] else "unanswerable"
    verdict = "abstained" if rec["abstained"] else "answered"
    marks = "".join(f" {k}" for k in ("contains", "cited_holds", "uncited") if rec.get(k))
    print(f"[{i + 1}/{n}] {rec['row']}: {kind} -> {verdict}{marks}, "
          f"ttft {rec['ttft_ms'] / 1000:.1f} s, {rec['wall_ms'] / 1000:.1f} s in all", file=sys.stderr)  # fmt: skip


def _as_answer(data: dict[str, Any]) -> SimpleNamespace:
    """``ask --json`` output in the attribute shape ``score`` reads (no spans in that JSON)."""
    cites = [SimpleNamespace(**{"start": 0, "end": 0, **c}) for c in data.get("citations", [])]
    timings = SimpleNamespace(**{"retrieve_ms": 0.0, "ttft_ms": 0.0, "tokens_per_s": 0.0,
                                 **data.get("timings", {})})  # fmt: skip
    extra = {k: v for k, v in data.items() if k not in ("citations", "timings")}
    return SimpleNamespace(**{**extra, "citations": cites, "timings": timings})


def sourcewise_command() -> list[str]:
    script = Path(sys.executable).parent / "sourcewise"
    if script.exists():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "import sys; from sourcewise.core.cli import main; sys.exit(main())",
    ]


def cold_runs(
    questions: Sequence[_squad.Question], dotted: dict[str, dict[str, Any]], home: Path,
    models_dir: Path, corpus: dict[str, Path], spans: dict[str, Spans], timeout: float,
) -> list[dict[str, Any]]:  # fmt: skip
    """Each question as a fresh ``sourcewise ask --json`` process per row (the CLI user's
    first token: process start, model load, retrieval, prompt)."""
    names = list(dotted)
    out = []
    for i, q in enumerate(questions):
        turn = i % len(names)
        for name in names[turn:] + names[:turn]:
            sets = [a for p in rows_.cli_pairs(dotted[name]) for a in ("--set", p)]
            cmd = [*sourcewise_command(), "--data-dir", str(home), "--models-dir", str(models_dir),
                   *sets, "ask", "--json", q.question]  # fmt: skip
            start = time.perf_counter()
            try:
                proc = subprocess.run(
                    cmd, capture_output=True, text=True, timeout=timeout, check=False
                )
            except subprocess.TimeoutExpired:
                out.append({"row": name, "id": q.id, "error": f"timed out after {timeout:.0f} s"})
                continue
            wall = (time.perf_counter() - start) * 1000
            rec = _cold_record(name, q, proc, corpus[q.article].name, spans[q.id])
            rec["wall_ms"] = wall
            out.append(rec)
            print(f"cold {i + 1}/{len(questions)} {name}: wall {wall / 1000:.1f} s, "
                  f"ttft {rec.get('ttft_ms', 0) / 1000:.1f} s{' ' + rec['error'] if rec.get('error') else ''}",
                  file=sys.stderr)  # fmt: skip
    return out


def _cold_record(
    name: str, q: _squad.Question, proc: subprocess.CompletedProcess[str], file: str, spans: Spans
) -> dict[str, Any]:
    if proc.returncode != 0 or "{" not in proc.stdout:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return {"row": name, "id": q.id, "error": f"exit {proc.returncode}: {tail[0]}"}
    try:
        data = json.loads(proc.stdout[proc.stdout.index("{") :])
    except json.JSONDecodeError as err:
        return {"row": name, "id": q.id, "error": f"unreadable JSON: {err}"}
    rec = score(name, q, _as_answer(data), file, spans)
    rec["error"] = None
    return rec
