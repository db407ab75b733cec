"""Whole-document reading speed and faithfulness on a 100-page report, on this machine.

    .venv/bin/python bench/whole_document.py [--pages 100] [--set llm.model=...]...

The report is made from the six SQuAD articles (real Wikipedia prose): each article a chapter
with a large heading, its paragraphs laid out two or three to an A4 page, as a PDF. It is
indexed with the shipped defaults, then ``Engine.summarize`` reads it whole with the default
chat model. Printed: pages, sections, seconds and pages per minute; the share of sections whose
note cites a page of theirs; the share of cited note sentences the cross-encoder finds
supported by the excerpt they cite (``answer.support_threshold``); and the time of a second run
served from the note cache. Run it alone on the machine (the times are wall-clock).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _squad
import pymupdf

from sourcewise.core.answer import citations as cit
from sourcewise.core.cli.context import parse_overrides
from sourcewise.core.factory import build_engine
from sourcewise.core.progress import Progress
from sourcewise.core.settings import load_settings
from sourcewise.core.types import DocumentDigest

_WORDS_PER_PAGE = 300


def build_report(path: Path, pages: int) -> int:
    """A PDF of about ``pages`` pages; returns the page count."""
    data = json.loads(_squad.SQUAD.read_text(encoding="utf-8"))
    doc = pymupdf.open()
    for article in data["data"]:
        paragraphs = [p["context"] for p in article["paragraphs"]]
        title = article["title"].replace("_", " ")
        page, first = None, True
        for text in paragraphs:
            if doc.page_count >= pages:
                break
            if page is None or _words(page) + len(text.split()) > _WORDS_PER_PAGE:
                page = _new_page(doc, title if first else None)
                first = False
            _append(page, text)
    for page in doc:
        _flush(page)
    doc.save(path)
    count = doc.page_count
    doc.close()
    return count


_PENDING: dict[int, list[str]] = {}
_TITLES: dict[int, str] = {}


def _new_page(doc: Any, title: str | None) -> Any:
    page = doc.new_page(width=595, height=842)
    _PENDING[page.number] = []
    if title:
        _TITLES[page.number] = title
    return page


def _append(page: Any, text: str) -> None:
    _PENDING[page.number].append(text)


def _words(page: Any) -> int:
    return sum(len(t.split()) for t in _PENDING[page.number])


def _flush(page: Any) -> None:
    top = 60
    if page.number in _TITLES:
        page.insert_text((60, 84), _TITLES[page.number], fontsize=20, fontname="hebo")
        top = 110
    body = "\n\n".join(_PENDING.get(page.number, []))
    page.insert_textbox(pymupdf.Rect(60, top, 535, 800), body, fontsize=9.5)


def supported_share(engine: Any, digest: DocumentDigest) -> tuple[int, int]:
    """(supported, cited) note sentences, each checked against the excerpt it cites."""
    by_n = {c.n: c for c in digest.citations}
    reranker = engine._parts.reranker
    ok = total = 0
    for section in digest.sections:
        for sent in cit.cited_sentences(section.text):
            for n in sent.sources:
                if n in by_n and reranker is not None:
                    total += 1
                    score = float(reranker.score(sent.sentence, [by_n[n].text])[0])
                    ok += score >= engine.settings.answer.support_threshold
    return ok, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "docs" / "encyclopedia-report.pdf"
        report.parent.mkdir()
        pages = build_report(report, args.pages)
        settings = load_settings({"home": Path(tmp) / "home", **parse_overrides(args.sets)})
        engine = build_engine(settings)
        t0 = time.perf_counter()
        engine.library.index([report.parent])
        index_s = time.perf_counter() - t0
        digest = engine.answers.summarize(report, progress=_progress)
        rerun = engine.answers.summarize(report)
        ok, cited = supported_share(engine, digest)
        _table(settings.llm.model, pages, index_s, digest, rerun, ok, cited)
        print("\nSummary:\n" + digest.summary)
        engine.close()
    return 0


def _progress(p: Progress) -> None:
    if p.stage == "reading":
        print(f"  {p.done}/{p.total} {p.message}", file=sys.stderr, flush=True)


def _table(model: str, pages: int, index_s: float, d: DocumentDigest, rerun: DocumentDigest,
           ok: int, cited: int) -> None:  # fmt: skip
    citing = sum(
        1 for s in d.sections if s.citations and all(c.page in s.pages for c in s.citations)
    )
    with_text = sum(1 for s in d.sections if s.text)
    print("| chat model | pages | sections | index (s) | read (s) | pages/min | sections citing "
          "their pages | cited sentences supported | cached rerun (s) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {model} | {pages} | {d.sections_total} | {index_s:.0f} | {d.seconds:.0f} | "
          f"{pages / d.seconds * 60:.1f} | {citing}/{with_text} | {ok}/{cited} | "
          f"{rerun.seconds:.1f} |")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
