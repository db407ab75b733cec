"""Reading back what search and citations point at: a passage by chunk id, and one document's
metadata and passages by document id (the facade the MCP server is built on)."""

from __future__ import annotations

import shutil
from pathlib import Path

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
    passage = engine.library.passage(hit.chunk_id)
    assert passage is not None
    assert passage.path == hit.path and passage.path.endswith("falcon.pdf")
    assert passage.text == hit.text and WARRANTY in passage.text
    assert passage.page == 2 and passage.pages == [2]
    assert passage.document_id == hit.document_id
    assert engine.library.passage(hit.chunk_id + 10_000) is None


def test_a_document_by_id_with_its_passages_in_order(engine: Engine, tmp_path: Path) -> None:
    engine.library.index([_docs(tmp_path)])
    by_name = {Path(d.path).name: d for d in engine.library.documents()}
    pdf = by_name["falcon.pdf"]
    assert pdf.document_id > 0 and engine.library.document(pdf.document_id) == pdf
    passages = engine.library.document_passages(pdf.document_id)
    assert len(passages) == pdf.chunks
    assert [p.start for p in passages] == sorted(p.start for p in passages)
    assert passages[0].page == 1 and passages[-1].page == 3
    assert all(p.path == pdf.path for p in passages)
    assert (
        engine.library.document(10_000) is None and engine.library.document_passages(10_000) == []
    )


def test_a_shared_chunk_is_read_under_the_first_document_holding_it(
    engine: Engine, tmp_path: Path
) -> None:
    docs = _docs(tmp_path)
    shutil.copy(docs / "notes.md", docs / "notes-copy.md")  # identical content: shared chunks
    engine.library.index([docs])
    notes = [d for d in engine.library.documents() if Path(d.path).name.startswith("notes")]
    chunks = {d.document_id: engine.library.document_passages(d.document_id) for d in notes}
    assert all(len(c) == 1 for c in chunks.values())
    assert len({c[0].chunk_id for c in chunks.values()}) == 1  # one chunk, shared
    for doc in notes:  # a document's own passages carry its own path
        assert chunks[doc.document_id][0].path == doc.path
    shared = engine.library.passage(chunks[notes[0].document_id][0].chunk_id)
    assert shared is not None and shared.document_id == min(chunks)
