"""A table chunk (Markdown, as the indexer stores tables) is highlighted on its PDF page."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from sourcewise.core.ingest.parsers import parse_file
from sourcewise.desktop.pdf_highlight import find_passage, passage_pieces
from tests.ingest.table_corpus import CASH_FLOWS, make_table_pdf


def test_table_chunk_is_highlighted_over_the_table_region(tmp_path: Path) -> None:
    pdf = make_table_pdf(tmp_path / "t.pdf", [CASH_FLOWS], ruling="grid")
    (table,) = [b for b in parse_file(pdf).blocks if b.kind == "table"]
    assert "Net income" in passage_pieces(table.text) and "1,204" in passage_pieces(table.text)
    with pymupdf.open(pdf) as doc:
        rects = find_passage(doc[0], table.text)
    assert table.bbox is not None and len(rects) >= 12  # caption, headers, labels, figures
    x0, y0, x1, y1 = table.bbox
    assert all(x0 - 1 <= r.x0 and r.x1 <= x1 + 1 and y0 - 1 <= r.y0 and r.y1 <= y1 + 1
               for r in rects)  # fmt: skip
