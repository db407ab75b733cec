"""Reading back what search and citations point at: a passage by chunk id, and one document's
metadata and passages by document id (the facade the MCP server is built on)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from tests.answer.conftest import PAGES, WARRANTY, make_pdf


def _docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "falcon.pdf", PAGES)
    (folder / "notes.md").write_text("# Notes\n\nThe depot opens at seven.", encoding="utf-8")
    return folder


def test_a_hit_reads_back_as_its_passage_with_path_and_page(engine: Engine, tmp_path: Path) -> None:
    engine.library.index([_docs(tmp_path)])
    hit = engine.library.search("warranty of 18 months", k=1)[0]
    [passage] = engine.library.passages(chunk_id=hit.chunk_id)
    assert passage.path == hit.path and passage.path.endswith("falcon.pdf")
    assert passage.text == hit.text and WARRANTY in passage.text
    assert passage.page == 2 and passage.pages == [2]
    assert passage.document_id == hit.document_id
    assert engine.library.passages(chunk_id=hit.chunk_id + 10_000) == []


def test_a_document_by_id_with_its_passages_in_order(engine: Engine, tmp_path: Path) -> None:
    engine.library.index([_docs(tmp_path)])
    by_name = {Path(d.path).name: d for d in engine.library.documents()}
    pdf = by_name["falcon.pdf"]
    assert pdf.document_id > 0 and engine.library.documents(document_id=pdf.document_id) == [pdf]
    assert engine.library.documents("other", document_id=pdf.document_id) == []
    passages = engine.library.passages(document_id=pdf.document_id)
    assert len(passages) == pdf.chunks
    assert [p.start for p in passages] == sorted(p.start for p in passages)
    assert passages[0].page == 1 and passages[-1].page == 3
    assert all(p.path == pdf.path for p in passages)
    assert engine.library.documents(document_id=10_000) == []
    assert engine.library.passages(document_id=10_000) == []


def test_passages_are_chosen_by_one_selector(engine: Engine, tmp_path: Path) -> None:
    engine.library.index([_docs(tmp_path)])
    every = engine.library.passages()
    assert len(every) == sum(d.chunks for d in engine.library.documents())
    assert len(engine.library.passages(min_tokens=10_000)) == 0
    with pytest.raises(ValueError, match="one of"):
        engine.library.passages(chunk_id=every[0].chunk_id, document_id=every[0].document_id)


def test_a_shared_chunk_is_read_under_the_first_document_holding_it(
    engine: Engine, tmp_path: Path
) -> None:
    docs = _docs(tmp_path)
    shutil.copy(docs / "notes.md", docs / "notes-copy.md")  # identical content: shared chunks
    engine.library.index([docs])
    notes = [d for d in engine.library.documents() if Path(d.path).name.startswith("notes")]
    chunks = {d.document_id: engine.library.passages(document_id=d.document_id) for d in notes}
    assert all(len(c) == 1 for c in chunks.values())
    assert len({c[0].chunk_id for c in chunks.values()}) == 1  # one chunk, shared
    for doc in notes:  # a document's own passages carry its own path
        assert chunks[doc.document_id][0].path == doc.path
    [shared] = engine.library.passages(chunk_id=chunks[notes[0].document_id][0].chunk_id)
    assert shared.document_id == min(chunks)
