"""Structure-aware chunking: headings bound chunks, stacked headings stay with their content,
huge paragraphs split with overlap, spans point into the extracted text."""

from __future__ import annotations

from sourcewise.core.ingest.chunking import Chunker
from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.testing import HashEmbedder


def _chunker(target: int = 40, overlap: int = 8, minimum: int = 5) -> Chunker:
    return Chunker(HashEmbedder().count_tokens, target, overlap, minimum)


def test_headings_bound_chunks_and_stacked_headings_join_their_content() -> None:
    doc = ParsedDocument(
        blocks=[
            Block("Results", kind="heading", level=1),
            Block("Sales", kind="heading", level=2),
            Block("Sales grew by nine percent in the northern region."),
            Block("Costs", kind="heading", level=2),
            Block("Costs fell slightly because of cheaper freight."),
        ],
        file_type="md",
    )
    text, chunks = _chunker().chunk(doc)
    assert [c.heading for c in chunks] == ["Results > Sales", "Results > Costs"]
    assert chunks[0].text.startswith("Results\n\nSales\n\nSales grew")  # no heading-only chunk
    for c in chunks:
        assert text[c.start : c.end] == c.text


def test_huge_paragraph_splits_with_overlap_and_pages() -> None:
    sentences = " ".join(f"Sentence number {i} talks about topic {i}." for i in range(60))
    doc = ParsedDocument(blocks=[Block(sentences, page=3)], file_type="pdf", page_count=3)
    text, chunks = _chunker(target=40, overlap=8).chunk(doc)
    assert len(chunks) > 3
    assert all(c.tokens <= 48 for c in chunks)
    assert all(c.page_start == c.page_end == 3 for c in chunks)
    # consecutive chunks share their boundary sentence (overlap)
    assert chunks[1].start < chunks[0].end
    assert text[chunks[1].start : chunks[1].end] == chunks[1].text


def test_a_table_is_cut_at_its_own_target_not_the_prose_target() -> None:
    rows = "\n".join(f"| Line item {i} | {100 + i} | {90 + i} |" for i in range(30))
    table = f"Statement (in millions)\n| Item | 2023 | 2022 |\n| --- | --- | --- |\n{rows}"
    doc = ParsedDocument(blocks=[Block(table, kind="table", page=1)], file_type="pdf")
    prose_sized = Chunker(HashEmbedder().count_tokens, 40, 8, 5).chunk(doc)[1]
    table_sized = Chunker(HashEmbedder().count_tokens, 40, 8, 5, table_target=400).chunk(doc)[1]
    assert len(prose_sized) > 3
    assert len(table_sized) == 1 and table_sized[0].text == table
    assert Chunker(HashEmbedder().count_tokens, 40, 8, 5, table_target=10).table_target == 40


def test_a_tables_heading_carries_the_scale_its_caption_states() -> None:
    table = (
        "| Gross margin | 36,413 | 35,885 |\n| --- | --- | --- |\n| Net income | 19,881 | 19,442 |"
    )
    doc = ParsedDocument(
        blocks=[
            Block("Statements", kind="heading", level=1),
            Block("CONSOLIDATED STATEMENTS OF OPERATIONS (In millions, except per share)"),
            Block("Three Months Ended July 1, 2023"),
            Block(table, kind="table"),
            Block("Notes", kind="heading", level=1),
            Block(table, kind="table"),  # no caption with a scale above this one
        ],
        file_type="pdf",
    )
    _, chunks = _chunker(target=60).chunk(doc)
    tables = [c for c in chunks if "Gross margin" in c.text]
    assert [c.heading for c in tables] == ["Statements (in millions)", "Notes"]


def test_a_tables_caption_and_column_dates_open_its_chunk_but_prose_above_does_not() -> None:
    rows = "| iPhone | $ | 39,669 |\n| --- | --- | --- |\n| Services | 21,213 | |"
    doc = ParsedDocument(
        blocks=[
            Block("Net sales fell one percent in the quarter.", page=17),
            Block(
                "The following table shows net sales by category (dollars in millions):", page=17
            ),
            Block("Three Months Ended", page=17),
            Block("July 1, 2023", page=18),
            Block(rows, kind="table", page=18),
        ],
        file_type="pdf",
    )
    text, chunks = Chunker(HashEmbedder().count_tokens, 40, 8, 2, table_target=80).chunk(doc)
    table = next(c for c in chunks if "39,669" in c.text)
    assert table.text.startswith("The following table shows net sales by category")
    assert table.kind == "table" and table.heading == "(in millions)"
    assert (table.page_start, table.page_end) == (17, 18)
    assert text[table.start : table.end] == table.text
    assert chunks[0].text == "Net sales fell one percent in the quarter."
