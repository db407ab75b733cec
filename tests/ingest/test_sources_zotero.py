"""A Zotero data directory: each PDF's card holds its item, "Smith 2021" finds it, citations
read "Smith et al. (2021), p. N", a collection is a scope, and the database is only ever read
(from a copy, opened read-only)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.ingest.sources import zotero
from sourcewise.core.types import SearchFilters, cited_as
from tests.ingest.sources_corpus import Paper, zotero_library

PAPERS = [
    Paper("I0000001", "Attention in small networks", [("Smith", "Jane"), ("Lee", "Kim"),
          ("Ng", "Ann")], "2021-03-00 March 2021", "Journal of Small Models",
          ["We study attention heads in small networks.", "Pruning half the heads keeps 97% "
           "of the accuracy on the benchmark."], ["Thesis"], ["pruning"]),
    Paper("I0000002", "Attention in large networks", [("Smith", "Jane")], "2018-00-00 2018",
          "Proceedings of Big Models", ["Attention heads in large networks specialise.",
          "Pruning heads costs accuracy."], ["Reading list"]),
    Paper("I0000003", "Soil moisture in dry regions", [("Garcia", "Luis"), ("Okafor", "Ada")],
          "2021-07-00 July 2021", "Earth Letters", ["Soil moisture fell by a third."], ["Thesis"]),
]  # fmt: skip


def _digest(path: Path) -> tuple[str, float]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime


def test_smith_2021_finds_the_paper_and_cites_author_and_year(
    engine: Engine, tmp_path: Path
) -> None:
    library = zotero_library(tmp_path / "Zotero", PAPERS)
    (library / "translators").mkdir()
    (library / "translators" / "a.js").write_text("function doWeb() {}")
    before = _digest(library / "zotero.sqlite")
    report = engine.library.index([library])
    assert report.files_indexed == 3 and report.files_failed == 0  # the PDFs, nothing else
    assert _digest(library / "zotero.sqlite") == before  # never written
    top = engine.library.search("Smith 2021 pruning accuracy", 3)[0]
    assert top.path.endswith("Attention in small networks.pdf")
    assert top.document_title == "Attention in small networks"
    answer = engine.answers.ask(
        "In Smith 2021, how much accuracy is kept when pruning half the heads?"
    )
    cited = answer.citations[0]
    assert cited.path == top.path and cited.reference == "Smith et al. (2021)"
    assert cited_as(cited.reference, cited.page) == f"Smith et al. (2021), p. {cited.page}"
    assert cited.page == 2


def test_a_collection_is_a_scope(engine: Engine, tmp_path: Path) -> None:
    library = zotero_library(tmp_path / "Zotero", PAPERS)
    engine.library.index([tmp_path])  # the home folder: ~/Zotero is found inside it
    scoped = engine.library.search(
        "attention heads", 10, SearchFilters(fields=(("collection", "thesis"),))
    )
    assert {h.reference for h in scoped} == {"Smith et al. (2021)", "Garcia & Okafor (2021)"}
    one = engine.library.search(
        "attention", 10, SearchFilters(fields=(("collection", "Reading list"),))
    )
    assert {h.reference for h in one} == {"Smith (2018)"}
    assert str(library) in {str(Path(d.path).parents[2]) for d in engine.library.documents()}


def test_the_database_is_opened_read_only_on_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = zotero_library(tmp_path / "Zotero", PAPERS)
    opened: list[tuple[str, str]] = []
    real = zotero._attachments

    def spy(conn: sqlite3.Connection, data_dir: Path, items: dict[int, zotero.Item]) -> object:
        (main,) = [row[2] for row in conn.execute("PRAGMA database_list")]
        try:
            conn.execute("CREATE TABLE sourcewise_probe (x)")
            outcome = "written"
        except sqlite3.OperationalError as err:
            outcome = str(err)
        opened.append((main, outcome))
        return real(conn, data_dir, items)

    monkeypatch.setattr(zotero, "_attachments", spy)
    before = _digest(library / "zotero.sqlite")
    found = zotero.read_library(library)
    assert len(found) == 3
    ((main, outcome),) = opened
    assert Path(main) != library / "zotero.sqlite" and Path(main).name == "zotero.sqlite"
    assert "readonly" in outcome  # "attempt to write a readonly database"
    assert _digest(library / "zotero.sqlite") == before


def test_a_damaged_database_is_a_status_and_the_pdfs_are_still_indexed(
    engine: Engine, tmp_path: Path
) -> None:
    library = zotero_library(tmp_path / "Zotero", PAPERS)
    good = (library / "zotero.sqlite").read_bytes()
    (library / "zotero.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x13" * 4096)
    report = engine.library.index([library])
    (failure,) = report.failures
    assert failure.path == str(library / "zotero.sqlite") and failure.status == "corrupt"
    assert "Zotero database" in failure.message and report.files_indexed == 3
    assert engine.library.status().failed  # listed until it is fixed
    (library / "zotero.sqlite").write_bytes(good)
    engine.library.index([library])
    assert not engine.library.status().failed
    assert all(h.reference for h in engine.library.search("pruning", 5))  # the metadata is back


def test_not_a_zotero_database_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "Zotero"
    folder.mkdir()
    sqlite3.connect(folder / "zotero.sqlite").execute("CREATE TABLE other (x)").connection.commit()
    with pytest.raises(zotero.ZoteroError, match="not a Zotero database"):
        zotero.read_library(folder)
