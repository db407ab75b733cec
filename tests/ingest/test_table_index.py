"""Table chunks end to end: indexed with kind "table", and ``search --json`` says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcewise.core.cli.main import main

from .table_corpus import CASH_FLOWS, make_table_pdf

FAKES = ["--set", 'embed.model="hash"', "--set", 'llm.model="echo"', "--set",
         "retrieval.rerank=false", "--set", 'index.parse_mode="thread"']  # fmt: skip


def test_search_json_marks_table_chunks(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    make_table_pdf(docs / "acme_2021.pdf", [CASH_FLOWS], ruling="grid",
                   prose="Acme reports another strong year of harbour freight.")  # fmt: skip
    home = tmp_path / "home"
    assert main(["--data-dir", str(home), *FAKES, "index", str(docs), "--json"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(home), *FAKES, "search", "dividends paid FY2020",
                 "-k", "5", "--json"]) == 0  # fmt: skip
    hits = json.loads(capsys.readouterr().out)
    tables = [h for h in hits if h["kind"] == "table"]
    assert len(tables) == 1 and hits[0] == tables[0]
    assert tables[0]["text"].startswith(CASH_FLOWS.caption + "\n|  | FY2021 | FY2020 |")
    assert {h["kind"] for h in hits[1:]} <= {"text"}


def test_pieces_of_one_table_are_not_spliced_into_each_other() -> None:
    from sourcewise.core.answer.context import assemble
    from sourcewise.core.types import SearchHit

    header = "|  | FY2021 |\n| --- | --- |\n"
    first = SearchHit(1, 1.0, "a.pdf", 1, 1, "", header + "| Cash | 5 |", 0, 40,
                      document_id=1, kind="table")  # fmt: skip
    second = SearchHit(2, 0.9, "a.pdf", 1, 2, "", header + "| Debt | 7 |", 41, 53,
                       document_id=1, kind="table")  # fmt: skip
    sources = assemble([second, first], 1000, lambda text: len(text.split()))
    assert [s.text for s in sources] == [second.text, first.text]  # both whole, header and all
