"""Table recovery: what share of generated tables come out as table blocks with the right
header and rows, per format and PDF ruling style; PDF parse time per page.

    .venv/bin/python bench/tables.py [--tables 20] [--seed 7]

The corpus (tests/ingest/table_corpus.py, seeded, offline): financial tables with 2-4
prior-year figure columns and 3-12 rows, drawn with PyMuPDF fully ruled, ruled under the header
only, or with no rules, one table per page between paragraphs; the same kind of table as DOCX,
HTML, XLSX and CSV. A table counts as recovered when one table block has exactly its header and
body rows (cell by cell) and no other block holds any of its figures. ``pymupdf4llm`` is
measured beside Sourcewise when it is installed (it runs offline, no model).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.ingest.table_corpus

from sourcewise.core.ingest.document import ParsedDocument
from sourcewise.core.ingest.parsers import parse_file
from tests.ingest.table_corpus import (
    TableSpec,
    make_table_csv,
    make_table_docx,
    make_table_html,
    make_table_pdf,
    make_table_xlsx,
    random_spec,
)


def cells(markdown: str) -> list[list[str]]:
    """Rows of a Markdown pipe table (its ``|---|`` line dropped), cells stripped."""
    rows = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def recovered(spec: TableSpec, tables: list[str], loose: str, blank: str = "") -> bool:
    header = spec.full_header
    want = [[blank if not header[0] else header[0], *header[1:]], *spec.rows]
    if not any(cells(t) == want for t in tables):
        return False
    return all(f not in loose for row in spec.rows for f in row[1:] if len(f) > 3)


def sourcewise_tables(path: Path) -> tuple[list[str], str]:
    doc: ParsedDocument = parse_file(path)
    tables = [b.text for b in doc.blocks if b.kind == "table"]
    return tables, " ".join(b.text for b in doc.blocks if b.kind != "table")


def pymupdf4llm_tables(path: Path) -> tuple[list[str], str]:
    import pymupdf4llm  # type: ignore[import-not-found]

    text = pymupdf4llm.to_markdown(str(path))
    parts = text.split("\n\n")
    tables = [p for p in parts if p.lstrip().startswith("|")]
    return tables, " ".join(p for p in parts if not p.lstrip().startswith("|"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=20, help="tables per PDF ruling style")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    systems: dict[str, Callable[[Path], tuple[list[str], str]]] = {"sourcewise": sourcewise_tables}
    try:
        import pymupdf4llm  # type: ignore[import-not-found]  # noqa: F401

        systems["pymupdf4llm"] = pymupdf4llm_tables
    except ImportError:
        print("pymupdf4llm is not installed: only Sourcewise is measured\n")
    print("| corpus | tables | " + " | ".join(systems) + " |")
    print("|---|---|" + "---|" * len(systems))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for ruling in ("grid", "header", "none"):
            specs = [random_spec(rng, i + 1) for i in range(args.tables)]
            if ruling == "grid":  # the line above the headers is drawn outside ruled grids
                specs = [TableSpec(s.caption, s.header, s.rows) for s in specs]
            pages = []
            for i, spec in enumerate(specs):
                pages.append(make_table_pdf(root / f"{ruling}{i}.pdf", [spec], ruling=ruling))
            row = [f"PDF, {ruling} rules", str(len(specs))]
            for parse in systems.values():
                hits = sum(recovered(s, *parse(p)) for s, p in zip(specs, pages, strict=True))
                row.append(f"{hits}/{len(specs)}")
            print("| " + " | ".join(row) + " |")
        makers = {"DOCX": make_table_docx, "HTML": make_table_html, "XLSX": make_table_xlsx,
                  "CSV": make_table_csv}  # fmt: skip
        for name, make in makers.items():
            specs = [TableSpec(s.caption, s.header, s.rows)
                     for s in (random_spec(rng, i + 1) for i in range(5))]  # fmt: skip
            blank = "Item" if name in {"XLSX", "CSV"} else ""
            files = [make(root / f"t{i}.{name.lower()}", s) for i, s in enumerate(specs)]
            hits = sum(
                recovered(s, *sourcewise_tables(f), blank=blank)
                for s, f in zip(specs, files, strict=True)
            )
            print(
                f"| {name} | {len(specs)} | {hits}/{len(specs)} |" + " n/a |" * (len(systems) - 1)
            )
        prose = make_table_pdf(root / "prose.pdf", [random_spec(rng, 1)] * 40, ruling="none",
                               prose="Plain report prose. " * 60)  # fmt: skip
        started = time.perf_counter()
        parse_file(prose)
        print(f"\nPDF parse: {1000 * (time.perf_counter() - started) / 40:.1f} ms/page "
              "(one unruled table and prose per page)")  # fmt: skip


if __name__ == "__main__":
    main()
