"""Document identity cards: built from the file name and metadata, one per document (not per
content blob), searchable, with periods that match however they are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.ingest.card import content_card
from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.store.document_card import ContentCard, document_card, name_words
from sourcewise.core.text.periods import period_tokens


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("acme_2018_10K.pdf", "acme 2018 10K"),
        ("/r/AnnualReport-FY19.docx", "Annual Report FY19"),
        ("FABRIKAM-AR-2015.pdf", "FABRIKAM AR 2015"),
        ("minutes 2023.03.txt", "minutes 2023 03"),
    ],
)
def test_file_names_split_into_words(name: str, words: str) -> None:
    assert name_words(name) == words


def test_a_card_gathers_name_metadata_first_page_and_periods() -> None:
    doc = ParsedDocument(
        blocks=[
            Block("Acme Corporation", kind="heading", level=1, page=1),
            Block(
                "Annual Report on Form 10-K\nFor the fiscal year ended December 31, 2018", page=1
            ),
            Block("Capital expenditure was 210 in fiscal 2019 guidance.", page=2),
        ],
        file_type="pdf",
        title="Acme Corporation Annual Report",
        author="Acme Investor Relations",
        page_count=2,
        metadata={"creationDate": "D:20190215093000+01'00'"},
    )
    card = document_card("/lib/acme_2018_10K.pdf", content_card(doc))
    # The file name's words, then who the cover says the report is by and its form.
    assert card.name == "acme 2018 10K acme corporation 10k"
    assert card.title == "Acme Corporation Annual Report"
    assert "Acme Investor Relations" in card.body
    assert "2019-02" in card.body  # metadata date, as text only
    assert "Acme Corporation" in card.body and "Annual Report on Form 10-K" in card.body
    periods = card.periods.split()
    assert "y2018" in periods and "2018m12" in periods
    assert "y2019" not in periods  # page 2 and the file's creation date are not its period


def test_a_card_without_a_title_is_titled_by_its_file_name() -> None:
    card = document_card("/x/northwind_2020_q3.pdf", ContentCard())
    assert card.title == "northwind 2020 q3"
    assert {"y2020", "2020q3", "q3"} <= set(card.periods.split())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("FY2018 capital expenditure", "acme 2018 10K"),
        ("fiscal 2019", "Annual Report 2019"),
        ("Q2 2023 revenue", "second quarter of fiscal 2023"),
        ("2Q23", "Q2'23"),
        ("results for March 2023", "2023-03-31"),
    ],
)
def test_periods_written_differently_share_a_token(a: str, b: str) -> None:
    assert set(period_tokens(a)) & set(period_tokens(b))


def test_distinct_periods_share_no_full_token() -> None:
    assert not {"2023q2"} & set(period_tokens("Q3 2023"))
    assert not {"y2018"} & set(period_tokens("fiscal 2019"))
    assert period_tokens("first quarter") == ["q1"]
    assert period_tokens("part 819911") == []


def test_identical_files_at_two_paths_keep_two_identities(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    body = "Quarterly figures.\n\nThe zebra-lantern protocol shipped 4711 units this quarter.\n"
    (folder / "contoso_2019_q1.txt").write_text(body, encoding="utf-8")
    (folder / "fabrikam_2021_q4.txt").write_text(body, encoding="utf-8")
    report = engine.library.index([folder])
    assert report.files_indexed == 1 and report.files_deduplicated == 1  # one blob
    first = engine.library.search("zebra-lantern units contoso 2019", k=1)[0]
    second = engine.library.search("zebra-lantern units fabrikam Q4 2021", k=1)[0]
    assert Path(first.path).name == "contoso_2019_q1.txt"
    assert Path(second.path).name == "fabrikam_2021_q4.txt"
    assert first.chunk_id == second.chunk_id  # the same stored chunk, shown under each name
    assert (first.document_title, second.document_title) == (
        "contoso 2019 q1",
        "fabrikam 2021 q4",
    )


def test_a_removed_document_loses_its_card(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "acme_2018.txt").write_text("Revenue grew.\n", encoding="utf-8")
    (folder / "acme_2019.txt").write_text("Revenue fell.\n", encoding="utf-8")
    engine.library.index([folder])
    (folder / "acme_2019.txt").unlink()
    engine.library.index([folder])
    hits = engine.library.search("acme 2019 revenue", k=5)
    assert [Path(h.path).name for h in hits] == ["acme_2018.txt"]


def test_an_index_from_before_cards_gets_a_card_per_document() -> None:
    import sqlite3
    import time

    import sqlite_utils

    from sourcewise.core.store import migrations

    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied REAL)")
    for name, step in migrations.MIGRATIONS:
        if name == "m006_document_cards":
            break
        step(db)
        db.execute("INSERT INTO _migrations VALUES (?, 0)", [name])
    db.execute("INSERT INTO collections(id, name, created) VALUES (1, 'kb', 0)")
    db.execute("INSERT INTO blobs(id, sha256, size, file_type, title, embed_model) "
               "VALUES (1, 'x', 1, 'pdf', 'Acme Annual Report', 'hash')")  # fmt: skip
    db.execute("INSERT INTO documents(collection_id, path, folder, file_type, size, mtime, "
               "sha256, blob_id, status, indexed_at) VALUES (1, '/r/acme_2018_10K.pdf', '/r', "
               "'pdf', 1, 0, 'x', 1, 'indexed', ?)", [time.time()])  # fmt: skip
    migrations.migrate(db)
    rows = db.execute("SELECT name, title, periods FROM cards").fetchall()
    assert rows == [("acme 2018 10K", "Acme Annual Report", "y2018")]
    match = db.execute("SELECT rowid FROM cards_fts WHERE cards_fts MATCH 'y2018'").fetchall()
    assert match == [(1,)]


def test_a_query_names_a_document_by_a_file_name_word_or_period_only() -> None:
    from sourcewise.core.retrieve.documents import names_documents, passage_query

    cover = "Acme Corporation Annual Report\nForm 10-K\nSECURITIES AND EXCHANGE COMMISSION"
    cards = [("the acme 2018 10K acme corporation 10k", "y2018", cover)]
    assert names_documents("Acme capital expenditure", cards)
    assert names_documents("capital expenditure FY2018", cards)
    assert not names_documents("the capital expenditure", cards)  # a stopword names nothing
    papers = [("4983", "", "Biomaterials with inductive properties")]
    assert not names_documents("biomaterials show inductive properties", papers)
    assert passage_query("Acme Corporation FY2018 capital expenditure", cards) == (
        "capital expenditure"
    )
    assert passage_query("Acme 2018", cards) == "Acme 2018"  # nothing else left: kept whole
    # Cover and title words are content too: only the words that name the document go.
    assert passage_query("Acme's 10-K annual report on securities exchange listing", cards) == (
        "annual report on securities exchange listing"
    )
