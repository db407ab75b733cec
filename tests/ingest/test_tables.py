"""Tables as tables: every format's tables become Markdown ``table`` blocks with their header,
PDF tables keep their box and leave no loose copy in the paragraphs, and the chunker keeps a
table in chunks of its own, repeating the header in each piece of a long one."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.ingest.chunking import Chunker
from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.ingest.parsers import parse_file
from sourcewise.core.ingest.parsers._tables import table_blocks
from sourcewise.core.testing import HashEmbedder

from . import corpus
from .table_corpus import (
    CASH_FLOWS,
    TableSpec,
    make_table_csv,
    make_table_docx,
    make_table_html,
    make_table_pdf,
    make_table_xlsx,
)

CASH_FLOWS_MD = (
    "|  | FY2021 | FY2020 |\n"
    "| --- | --- | --- |\n"
    "| Net income | 1,204 | 998 |\n"
    "| Purchases of property and equipment | (68) | (210) |\n"
    "| Dividends paid | (45) | (40) |\n"
    "| Net cash from operating activities | 1,571 | 1,302 |"
)


def _chunker(target: int = 200) -> Chunker:
    return Chunker(HashEmbedder().count_tokens, target, 16, 5)


@pytest.mark.parametrize("ruling", ["grid", "header", "none"])
def test_pdf_table_is_one_markdown_block_with_header_and_caption(
    tmp_path: Path, ruling: str
) -> None:
    doc = parse_file(make_table_pdf(tmp_path / f"{ruling}.pdf", [CASH_FLOWS], ruling=ruling))  # type: ignore[arg-type]
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert [b.text for b in tables] == [f"{CASH_FLOWS.caption}\n{CASH_FLOWS_MD}"]
    assert tables[0].page == 1
    box = tables[0].bbox
    assert box is not None and box[0] == pytest.approx(72, abs=1) and 170 < box[3] < 300
    loose = " ".join(b.text for b in doc.blocks if b.kind != "table")
    assert "1,204" not in loose and "Dividends" not in loose and "FY2021" not in loose
    assert loose.endswith("Text after the table.")


def test_ruled_pdf_table_is_stored_as_one_table_chunk(tmp_path: Path) -> None:
    doc = parse_file(make_table_pdf(tmp_path / "grid.pdf", [CASH_FLOWS], ruling="grid"))
    _, chunks = _chunker().chunk(doc)
    tables = [c for c in chunks if c.kind == "table"]
    assert len(tables) == 1
    assert tables[0].text == f"{CASH_FLOWS.caption}\n{CASH_FLOWS_MD}"
    assert all(c.kind == "text" and "|" not in c.text for c in chunks if c is not tables[0])


def test_prose_pages_have_no_tables(tmp_path: Path) -> None:
    pages = ["In 2021 the group sold 1,204 units and in 2020 it sold 998.\n\nMore text here."] * 3
    doc = parse_file(corpus.make_pdf(tmp_path / "prose.pdf", pages, footer="Page {n} of 3"))
    assert all(b.kind != "table" for b in doc.blocks)


def test_long_table_split_repeats_its_header() -> None:
    rows = [[f"Item {i}", f"{i * 7:,}", f"{i * 5:,}"] for i in range(120)]
    block = table_blocks(["", "FY2021", "FY2020"], rows, caption="Table 9. Costs")[0]
    doc = ParsedDocument(blocks=[Block("Costs", kind="heading", level=1), block,
                                 Block("After the table.")], file_type="pdf")  # fmt: skip
    text, chunks = _chunker(target=60).chunk(doc)
    tables = [c for c in chunks if c.kind == "table"]
    assert len(tables) > 3
    header = "Table 9. Costs\n|  | FY2021 | FY2020 |\n| --- | --- | --- |\n"
    assert tables[0].text.startswith("Costs\n\n" + header)  # the heading joins the table
    for chunk in tables[1:]:
        assert chunk.text.startswith(header)
        assert chunk.text == header + text[chunk.start : chunk.end]
    body = [line for c in tables for line in c.text.split("\n") if line.startswith("| Item")]
    assert body == [f"| Item {i} | {i * 7:,} | {i * 5:,} |" for i in range(120)]  # each once
    assert chunks[-1].kind == "text" and chunks[-1].text == "After the table."


def test_small_table_is_not_merged_into_prose() -> None:
    doc = ParsedDocument(
        blocks=[Block("Some words before."), *table_blocks(["a", "b"], [["1", "2"]]),
                Block("Some words after.")],
        file_type="md",
    )  # fmt: skip
    _, chunks = _chunker().chunk(doc)
    assert [c.kind for c in chunks] == ["text", "table", "text"]


def test_huge_table_blocks_each_carry_the_header() -> None:
    rows = [[f"row {i}", "x" * 50] for i in range(1000)]
    blocks = table_blocks(["Name", "Value"], rows, caption="Big")
    assert len(blocks) > 5 and all(len(b.text) <= 8000 for b in blocks)
    assert all(b.text.startswith("Big\n| Name | Value |\n| --- | --- |\n") for b in blocks)
    assert sum(b.text.count("| row ") for b in blocks) == 1000


def _expected(header_blank: str) -> str:
    lines = CASH_FLOWS_MD.split("\n")
    lines[0] = lines[0].replace("|  |", f"| {header_blank} |", 1)
    return "\n".join(lines)


def test_docx_and_html_tables_carry_caption_and_header(tmp_path: Path) -> None:
    for path in (make_table_docx(tmp_path / "t.docx", CASH_FLOWS),
                 make_table_html(tmp_path / "t.html", CASH_FLOWS)):  # fmt: skip
        doc = parse_file(path)
        assert [(b.kind, b.text) for b in doc.blocks] == [
            ("heading", "Annual figures"),
            ("table", f"{CASH_FLOWS.caption}\n{CASH_FLOWS_MD}"),
            ("paragraph", "Text after the table." if path.suffix == ".docx" else "After."),
        ], path.name


def test_xlsx_and_csv_tables_have_their_header(tmp_path: Path) -> None:
    xlsx = parse_file(make_table_xlsx(tmp_path / "t.xlsx", CASH_FLOWS))
    assert [(b.kind, b.text) for b in xlsx.blocks] == [
        ("heading", "Figures"),
        ("table", _expected("Item")),
    ]
    csv = parse_file(make_table_csv(tmp_path / "t.csv", CASH_FLOWS))
    assert [(b.kind, b.text) for b in csv.blocks] == [("table", _expected("Item"))]


def test_cells_with_pipes_and_newlines_stay_in_their_cell() -> None:
    (block,) = table_blocks(["Key", "Note"], [["a|b", "two\nlines"]])
    assert block.text.split("\n")[2] == "| a\\|b | two lines |"


def test_short_caption_right_above_an_unruled_table_is_not_its_header(tmp_path: Path) -> None:
    # The caption reaches over the first figure column of a table with a narrow label column.
    header = ["Region", "Q1", "Q2", "Q3", "Q4", "FY"]
    rows = [["North", "1", "2", "3", "4", "10"], ["South", "5", "6", "7", "8", "26"],
            ["East", "9", "9", "9", "9", "36"]]  # fmt: skip
    spec = TableSpec("Table 2: Capex by region (EUR m)", header, rows)
    doc = parse_file(make_table_pdf(tmp_path / "capex.pdf", [spec], ruling="none", label_width=60))
    (table,) = [b.text for b in doc.blocks if b.kind == "table"]
    assert table.split("\n")[:2] == [spec.caption, "| Region | Q1 | Q2 | Q3 | Q4 | FY |"]


def test_header_line_centred_over_the_figures_names_every_column(tmp_path: Path) -> None:
    spec = TableSpec("Table 5. Sales", CASH_FLOWS.header, CASH_FLOWS.rows, "Year ended June 30")
    doc = parse_file(make_table_pdf(tmp_path / "over.pdf", [spec], ruling="header"))
    (table,) = [b.text for b in doc.blocks if b.kind == "table"]
    assert table.split("\n")[1] == "|  | Year ended June 30 FY2021 | Year ended June 30 FY2020 |"


def test_grid_from_rules_with_a_merged_header_cell() -> None:
    from sourcewise.core.ingest.parsers import pdf_grid

    # Three columns, three rows; the rule between the figure columns stops below the header.
    rules = [("h", y, 0.0, 300.0) for y in (0.0, 20.0, 40.0, 60.0)]
    rules += [("v", 0.0, 0.0, 60.0), ("v", 100.0, 0.0, 60.0), ("v", 300.0, 0.0, 60.0)]
    rules += [("v", 200.0, 20.0, 60.0)]
    words = [(110, 5, 190, 15, "Year", 0, 0, 0), (230, 5, 260, 15, "ended", 0, 0, 1),
             (10, 25, 50, 35, "Sales", 1, 0, 0), (150, 25, 180, 35, "12", 1, 0, 1),
             (250, 25, 280, 35, "10", 1, 0, 2), (10, 45, 50, 55, "Costs", 2, 0, 0),
             (150, 45, 180, 55, "7", 2, 0, 1), (250, 45, 280, 55, "6", 2, 0, 2)]  # fmt: skip
    found = pdf_grid.lattice(rules, words)
    assert found is not None
    grid, box = found
    assert box == (0.0, 0.0, 300.0, 60.0)
    assert grid == [["", "Year ended", None], ["Sales", "12", "10"], ["Costs", "7", "6"]]


def test_wrapped_label_in_an_unruled_table_is_one_row() -> None:
    from sourcewise.core.ingest.parsers import pdf_columns

    def word(x0: float, y: float, text: str, line: int) -> tuple[object, ...]:
        return (x0, y, x0 + 6 * len(text), y + 10, text, line, 0, 0)

    words = [word(300, 0, "2021", 0), word(400, 0, "2020", 0)]
    lines = [("Net income", "1,204", "998"), ("Purchases of property and", "", ""),
             ("equipment", "(68)", "(210)"), ("Dividends paid", "(45)", "(40)")]  # fmt: skip
    for i, (label, a, b) in enumerate(lines, start=1):
        y = 14.0 * i
        x = 72.0
        for part in label.split():  # words 3 pt apart, as a space sets them
            words.append(word(x, y, part, i))
            x += 6 * len(part) + 3
        words += [word(300, y, a, i), word(400, y, b, i)] if a else []
    (table,) = pdf_columns.aligned_tables(words)
    assert table.header == ["", "2021", "2020"]
    assert table.rows == [["Net income", "1,204", "998"],
                          ["Purchases of property and equipment", "(68)", "(210)"],
                          ["Dividends paid", "(45)", "(40)"]]  # fmt: skip


def test_a_header_cell_on_two_lines_names_only_its_own_column() -> None:
    """Intel's income statement: "% of Net" over "Revenue" heads the percentage columns
    alone; shared out like a period it made the amounts "% of Net Amount"."""
    from sourcewise.core.ingest.parsers import pdf_columns

    def cell(x0: float, y: float, text: str, line: int) -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = []
        for part in text.split():  # words 3 pt apart, as a space sets them
            out.append((x0, y, x0 + 6 * len(part), y + 10, part, line, 0, 0))
            x0 += 6 * len(part) + 3
        return out

    words = cell(372, 0, "% of Net", 0) + cell(532, 0, "% of Net", 0)
    words += cell(300, 14, "Amount", 1) + cell(375, 14, "Revenue", 1)
    words += cell(460, 14, "Amount", 1) + cell(535, 14, "Revenue", 1)
    rows = [("Net revenue", "14,158", "100.0%", "15,338", "100.0%"),
            ("Cost of sales", "8,140", "57.5%", "8,803", "57.4%"),
            ("Gross margin", "6,018", "42.5%", "6,535", "42.6%")]  # fmt: skip
    for i, (label, *figures) in enumerate(rows, start=2):
        words += cell(72, 14.0 * i, label, i)
        for x, figure in zip((300, 380, 460, 540), figures, strict=True):
            words += cell(x, 14.0 * i, figure, i)
    (table,) = pdf_columns.aligned_tables(words)
    assert table.header == ["", "Amount", "% of Net Revenue", "Amount", "% of Net Revenue"]
    assert table.rows[2] == ["Gross margin", "6,018", "42.5%", "6,535", "42.6%"]


def test_a_statements_title_scale_and_every_period_label_open_its_table() -> None:
    """Amazon's cash flows: title, scale, "(unaudited)", three period labels and three dates
    sit above the aligned part, one block each. Six caption blocks left "Three Months Ended"
    in the text before the table, and its quarter's figures were read as nine months'. The
    prose sentence above a table is no part of its caption."""
    from sourcewise.core.ingest.parsers import pdf

    lines = ["AMAZON.COM, INC. CONSOLIDATED STATEMENTS OF CASH FLOWS", "(in millions)",
             "(unaudited)", "Three Months Ended", "Nine Months Ended", "Twelve Months Ended",
             "September 30,", "September 30,", "September 30,"]  # fmt: skip
    prose = "Selling, general and administrative expense was relatively flat in the quarter."
    lead_in = "Provision for income taxes and the effective tax rate were as follows (in millions):"
    above = [Block(text, page=3, bbox=(72.0, 36.0 + 12 * i, 500.0, 46.0 + 12 * i))
             for i, text in enumerate([lead_in, prose, *lines])]  # fmt: skip
    page = pdf._Page(number=3, label=None, height=792.0)
    table = pdf._Raw("| Net income | 2,872 | 9,879 |", (72.0, 170.0, 500.0, 300.0), 0.0, 0, "table")
    block = pdf._table_block(table, page, above)
    assert block.text.split("\n") == [*lines, "| Net income | 2,872 | 9,879 |"]
    assert [b.text for b in above] == [lead_in, prose]  # a sentence of the text is no caption
    # Nor is a long lead-in: read as column labels, Apple's lost its tax rates' periods.
    right_above = Block(lead_in, page=3, bbox=(72.0, 156.0, 500.0, 166.0))
    table_below_lead_in = pdf._table_block(table, page, [right_above])
    assert table_below_lead_in.text == "| Net income | 2,872 | 9,879 |"


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        # Intel's segment table: its column dates end like a lead-in ("… Net revenue:").
        ("(In Millions) Sep 30, 2023 Oct 1, 2022 Net revenue:", True),
        ("Revenue rose in the third quarter of 2023 compared with 2022, as follows:", False),
    ],
)
def test_column_dates_above_a_table_are_its_caption_and_a_sentence_is_not(
    tmp_path: Path, line: str, caption: bool
) -> None:
    spec = TableSpec(line, ["Desktop", "2,753", "3,222"],
                     [["Notebook", "4,503", "4,408"], ["Total", "7,256", "7,630"]])  # fmt: skip
    doc = parse_file(make_table_pdf(tmp_path / "dates.pdf", [spec], ruling="grid"))
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.text.startswith(f"{line}\n|") is caption, table.text
    assert "| Notebook | 4,503 | 4,408 |" in table.text
