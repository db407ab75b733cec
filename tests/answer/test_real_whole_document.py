"""Whole-document reading on the real bundled models (``-m real``): the embedder and the
cross-encoder as shipped, the tiny SmolLM2 chat model (installed by default) so the test stays
short. Every section's note cites a page of its own; a scoped question cites only its document.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.types import AskOptions, SearchFilters
from tests.answer.test_real_answer import _models_dir
from tests.answer.test_whole_document import make_report

pytestmark = pytest.mark.real


def test_summarize_cites_each_section_and_the_scope_holds(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    report = make_report(docs / "ferry-review-2025.pdf").resolve()
    (docs / "canteen.md").write_text("# Canteen\n\nLunch orders close at 10:30 on weekdays.\n")
    settings = Settings(home=tmp_path / "home", models_dir=_models_dir(),
                        index={"parse_mode": "thread"},
                        llm={"model": "smollm2-135m", "max_tokens": 96},
                        reading={"section_tokens": 200, "section_max_tokens": 48})  # fmt: skip
    engine = build_engine(settings)
    try:
        engine.library.index([docs])
        digest = engine.answers.summarize(report)
        assert digest.sections_done == digest.sections_total == 4 and not digest.cancelled
        for section in digest.sections:
            assert section.text and section.citations, section.title
            assert all(c.path == str(report) and c.page in section.pages for c in section.citations)
        assert digest.summary and {c.path for c in digest.citations} == {str(report)}
        scope = SearchFilters(documents=(str(report),))
        answer = engine.answers.ask("When do lunch orders close?", AskOptions(filters=scope))
        assert {c.path for c in answer.citations} <= {str(report)}
    finally:
        engine.close()
