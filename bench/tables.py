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
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.ingest.table_corpus
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the other benchmarks' generators

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


Grid = list[list[str]]


def expected(spec: TableSpec, blank: str = "") -> Grid:
    header = spec.full_header
    return [[blank if not header[0] else header[0], *header[1:]], *spec.rows]


def recovered(want: Grid, tables: list[str], loose: str) -> bool:
    """One table is exactly ``want`` and no figure of it is left in the loose text."""
    if not any(cells(t) == want for t in tables):
        return False
    return all(f not in loose for row in want[1:] for f in row[1:] if len(f) > 3)


def sourcewise_tables(path: Path) -> tuple[list[str], str]:
    doc: ParsedDocument = parse_file(path)
    tables = [b.text for b in doc.blocks if b.kind == "table"]
    return tables, " ".join(b.text for b in doc.blocks if b.kind != "table")


def find_tables_tables(path: Path) -> tuple[list[str], str]:
    """PyMuPDF's own finder (layout model off), its first row as the header (its header guess
    takes a caption above the table for the header)."""
    import pymupdf

    from sourcewise.core.ingest.parsers._tables import markdown_table

    tables = []
    with pymupdf.open(path) as doc:
        for page in doc:
            for tab in page.find_tables(use_layout=False).tables:
                grid = [[c or "" for c in row] for row in tab.extract()]
                if grid:
                    tables.append(markdown_table(grid[0], grid[1:]))
    return tables, ""  # no text of its own to check for leftovers


def pymupdf4llm_tables(path: Path) -> tuple[list[str], str]:
    import pymupdf4llm

    text = pymupdf4llm.to_markdown(str(path))
    parts = text.split("\n\n")
    tables = [p for p in parts if p.lstrip().startswith("|")]
    return tables, " ".join(p for p in parts if not p.lstrip().startswith("|"))


Corpus = list[tuple[Path, list[Grid]]]


def own_corpus(root: Path, rng: random.Random, count: int) -> dict[str, Corpus]:
    out: dict[str, Corpus] = {}
    for ruling in ("grid", "header", "none"):
        files: Corpus = []
        for i in range(count):
            spec = random_spec(rng, i + 1)
            if ruling == "grid":  # the line above the headers is drawn outside ruled grids
                spec = TableSpec(spec.caption, spec.header, spec.rows)
            path = make_table_pdf(root / f"{ruling}{i}.pdf", [spec], ruling=ruling)
            files.append((path, [expected(spec)]))
        out[f"PDF, {ruling} rules"] = files
    return out


def other_corpora(root: Path) -> dict[str, Corpus]:
    """Tables drawn by the other benchmarks' generators (recorded as they draw them)."""
    import _corpora
    import _lookalike_layout
    import lookalike_corpus

    drawn: list[Grid] = []
    table = _corpora._table

    def recording(prose: Any, section: int, sub: int) -> Any:
        item = table(prose, section, sub)
        drawn.append([list(r) for r in item.rows])
        return item

    _corpora._table = recording  # type: ignore[assignment]
    reports: Corpus = []
    for seed in (3, 4):
        drawn.clear()
        path = root / f"report{seed}.pdf"
        _corpora.make_report_pdf(path, 30, seed)
        reports.append((path, list(drawn)))
    _corpora._table = table  # type: ignore[assignment]

    by_path: dict[Path, list[Grid]] = {}
    current: list[Path] = []
    draw, write = _lookalike_layout.Layout.table, lookalike_corpus.write_report

    def record_table(self: Any, title: str, rows: Any, widths: Any, note: str = "") -> int:
        by_path.setdefault(current[-1], []).append([list(r) for r in rows])
        return int(draw(self, title, rows, widths, note))

    def record_report(report: Any, boiler: Any, path: Path, meta: Any) -> int:
        current.append(path)
        by_path[path] = []  # a report written again (long) draws its tables again
        return int(write(report, boiler, path, meta))

    _lookalike_layout.Layout.table = record_table  # type: ignore[method-assign]
    lookalike_corpus.write_report = record_report
    lookalike_corpus.generate(root / "lookalike", 5, n_companies=2, n_periods=2, long_reports=0)
    _lookalike_layout.Layout.table = draw  # type: ignore[method-assign]
    lookalike_corpus.write_report = write
    return {"report PDFs (bench/_corpora.py)": reports,
            "look-alike reports (issue 12 bench)": list(by_path.items())}  # fmt: skip


def measure(
    corpus: Corpus, parse: Callable[[Path], tuple[list[str], str]], *, loose: bool
) -> tuple[int, float]:
    """Tables recovered and ms per page; ``loose`` also requires that no figure of a table is
    left in the other text (only where the prose holds no figures of its own)."""
    hits, seconds, pages = 0, 0.0, 0
    for path, grids in corpus:
        started = time.perf_counter()
        tables, rest = parse(path)
        seconds += time.perf_counter() - started
        hits += sum(recovered(g, tables, rest if loose else "") for g in grids)
        pages += _pages(path)
    return hits, 1000 * seconds / max(pages, 1)


def _pages(path: Path) -> int:
    import pymupdf

    with pymupdf.open(path) as doc:
        return int(doc.page_count)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=20, help="tables per PDF ruling style")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ["PYMUPDF_SUGGEST_LAYOUT_ANALYZER"] = "0"  # find_tables' advert for its add-on
    rng = random.Random(args.seed)
    systems: dict[str, Callable[[Path], tuple[list[str], str]]] = {
        "Sourcewise": sourcewise_tables, "PyMuPDF find_tables()": find_tables_tables}  # fmt: skip
    try:
        import pymupdf4llm  # noqa: F401

        systems["pymupdf4llm"] = pymupdf4llm_tables
    except ImportError:
        print("pymupdf4llm is not installed: not measured\n")
    print("| corpus | tables | " + " | ".join(f"{s} (ms/page)" for s in systems) + " |")
    print("|---|---|" + "---|" * len(systems))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        own = own_corpus(root, rng, args.tables)
        for name, corpus in {**own, **other_corpora(root)}.items():
            total = sum(len(g) for _, g in corpus)
            row = [name, str(total)]
            for parse in systems.values():
                hits, ms = measure(corpus, parse, loose=name in own)
                row.append(f"{hits}/{total} ({ms:.1f})")
            print("| " + " | ".join(row) + " |")
        makers = {"DOCX": make_table_docx, "HTML": make_table_html, "XLSX": make_table_xlsx,
                  "CSV": make_table_csv}  # fmt: skip
        for name, make in makers.items():
            specs = [TableSpec(s.caption, s.header, s.rows)
                     for s in (random_spec(rng, i + 1) for i in range(5))]  # fmt: skip
            blank = "Item" if name in {"XLSX", "CSV"} else ""
            files = [(make(root / f"t{i}.{name.lower()}", s), [expected(s, blank)])
                     for i, s in enumerate(specs)]  # fmt: skip
            hits = sum(recovered(g[0], *sourcewise_tables(f)) for f, g in files)
            print(f"| {name} | {len(specs)} | {hits}/{len(specs)} |" + " |" * (len(systems) - 1))


if __name__ == "__main__":
    main()
