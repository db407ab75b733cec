"""bench/lookalike_corpus.py: the look-alike report library keeps the structure it promises."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pymupdf
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _generator() -> ModuleType:
    # bench/ is a folder of scripts, not a package: load the script by its path.
    spec = importlib.util.spec_from_file_location("lookalike_corpus", BENCH / "lookalike_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    out = tmp_path_factory.mktemp("lookalike")
    manifest = _generator().generate(out, seed=3, n_companies=2, n_periods=2, per_report=4,
                                     pages=(12, 14), long_reports=0)  # fmt: skip
    questions = [json.loads(line) for line in (out / "questions.jsonl").open(encoding="utf-8")]
    return out, manifest, questions


def _page_text(path: Path, page: int) -> str:
    with pymupdf.open(path) as pdf:
        return str(pdf[page - 1].get_text())


def test_reports_open_and_name_company_and_period(library: tuple[Path, dict[str, Any], list[dict[str, Any]]]) -> None:  # fmt: skip
    out, manifest, _ = library
    docs = manifest["documents"]
    assert len(docs) == 4
    assert {d["kind"] for d in docs} == {"annual", "quarterly"}
    for d in docs:
        with pymupdf.open(out / d["file"]) as pdf:
            assert pdf.page_count == d["pages"] >= 12
            cover, inner = pdf[0].get_text(), pdf[5].get_text()
        year = d["period"][-4:]
        assert d["company"] in cover and year in cover
        assert d["company"] in inner and year in inner and "Page 6" in inner  # header, footer


def test_gold_page_holds_the_answer_in_a_ruled_table(library: tuple[Path, dict[str, Any], list[dict[str, Any]]]) -> None:  # fmt: skip
    out, _, questions = library
    assert len(questions) == 16
    in_tables = 0
    for q in questions:
        assert q["pages"], q
        assert q["company"].split()[0] in q["question"] and q["period"][-4:] in q["question"]
        for page in q["pages"]:
            assert q["answer"] in _page_text(out / q["doc"], page)
        with pymupdf.open(out / q["doc"]) as pdf:
            tables = [t.extract() for p in q["pages"] for t in pdf[p - 1].find_tables().tables]
        in_tables += any(q["answer"] in (cell or "") for t in tables for row in t for cell in row)
    assert in_tables == len(questions)  # every figure is printed in a ruled table of its report


def test_a_figure_is_printed_again_as_next_periods_prior_column(library: tuple[Path, dict[str, Any], list[dict[str, Any]]]) -> None:  # fmt: skip
    out, _, questions = library
    repeated = [q for q in questions if q["also_in"]]
    # The annual filer's first year is printed again in its second year's report; the quarterly
    # filer's two quarters are of one year, so neither has a next-year report here.
    assert len(repeated) == 4
    assert all(q["doc"] == repeated[0]["doc"] for q in repeated)
    for q in repeated:
        (also,) = q["also_in"]
        assert also["doc"] != q["doc"] and also["pages"]
        for page in also["pages"]:
            assert q["answer"] in _page_text(out / also["doc"], page)


def test_generation_is_seeded(library: tuple[Path, dict[str, Any], list[dict[str, Any]]], tmp_path: Path) -> None:  # fmt: skip
    out, _, _ = library
    _generator().generate(tmp_path, seed=3, n_companies=2, n_periods=2, per_report=4,
                          pages=(12, 14), long_reports=0)  # fmt: skip
    assert (tmp_path / "questions.jsonl").read_bytes() == (out / "questions.jsonl").read_bytes()


def test_dev_and_eval_pools_share_no_company() -> None:
    pools = _generator().POOLS
    dev = {n for name in pools["dev"] for n in name[:2]}
    assert not dev & {n for name in pools["eval"] for n in name[:2]}
