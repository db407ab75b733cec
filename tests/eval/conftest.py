"""A small corpus (the dev QA documents plus a three-page PDF) and a gold set over it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourcewise.core.cli.main import cli
from sourcewise.core.engine import Engine
from tests.answer.conftest import PAGES, fake_engine, make_pdf

REPO = Path(__file__).resolve().parents[2]
DEVQA_DOCS = REPO / "bench" / "data" / "devqa_docs"
GOLD_FIXTURE = REPO / "bench" / "data" / "gold_fixture.jsonl"
FAKES = ["--set", 'embed.model="hash"', "--set", 'llm.model="echo"',
         "--set", "retrieval.rerank=false", "--set", 'index.parse_mode="thread"']  # fmt: skip

FALCON_GOLD = [
    {"id": "f1", "question": "How long is the warranty of the Falcon X2 drone?",
     "answer": "18 months from the date of purchase",
     "sources": [{"path": "falcon.pdf", "page": 2}], "facts": [["18 months"]]},
    {"id": "f2", "question": "After how many cycles should a Falcon X2 battery be replaced?",
     "answer": "after 300 cycles", "sources": [{"path": "falcon.pdf", "page": 3}]},
]  # fmt: skip


def run(home: Path, *args: str, models_dir: Path | None = None) -> tuple[int, str]:
    extra = ["--models-dir", str(models_dir)] if models_dir else []
    result = CliRunner().invoke(cli, ["--data-dir", str(home), *extra, *FAKES, *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(DEVQA_DOCS, folder)
    make_pdf(folder / "falcon.pdf", PAGES)
    return folder


@pytest.fixture
def gold(tmp_path: Path, corpus: Path) -> Path:
    """The repo's gold fixture plus two questions with page-level sources."""
    path = corpus / "gold.jsonl"
    lines = GOLD_FIXTURE.read_text(encoding="utf-8").splitlines()
    lines += [json.dumps(item) for item in FALCON_GOLD]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def indexed_home(tmp_path: Path, corpus: Path) -> Path:
    home = tmp_path / "home"
    code, _ = run(home, "index", str(corpus))
    assert code == 0
    return home


@pytest.fixture
def engine(tmp_path: Path, corpus: Path) -> Iterator[Engine]:
    eng = fake_engine(tmp_path / "engine-home")
    eng.library.index([corpus])
    yield eng
    eng.close()
