"""A DOCX policy with a table under a prose rule, a budget sheet and a statement in millions:
the table answers of issue 22, shared by the fake-model and the real-model tests."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from openpyxl import Workbook

from sourcewise.core.answer.evidence import EvidenceSelector
from sourcewise.core.testing import OverlapReranker
from sourcewise.core.types import SearchHit

REMOTE_RULE = (
    "Employees may work remotely up to three days per week, unless their role is listed below "
    "with a different number of days."
)
STATEMENT = (
    "# Statements\n\nCONDENSED STATEMENTS OF OPERATIONS (In millions)\n\n"
    "Three Months Ended July 1, 2023 and June 25, 2022\n\n"
    "| Total net sales | 81,797 |  | 82,959 |\n| --- | --- | --- | --- |\n"
    "| Gross margin | 36,413 |  | 35,885 |\n| Operating income | 22,998 |  | 23,076 |\n"
)


def write_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_heading("Remote Work Policy", 0)
    doc.add_paragraph(REMOTE_RULE)
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([["Role", "Remote days per week", "Core hours"],
                             ["Software engineer", "3", "10:00-15:00"],
                             ["Support agent", "2", "08:00-17:00"]]):  # fmt: skip
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.save(str(folder / "remote-work-policy.docx"))
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Departments"
    for row in [["Department", "Budget 2025 (EUR)", "Owner"], ["Marketing", 420000, "Lena Vogt"],
                ["Engineering", 1150000, "Tom Berger"], ["Facilities", 185000, "Marco Rossi"],
                ["HR", 240000, "Julia Chen"]]:  # fmt: skip
        sheet.append(row)
    wb.save(str(folder / "budget-2025.xlsx"))
    (folder / "statements.md").write_text(STATEMENT, encoding="utf-8")
    return folder


def first_evidence_line(question: str, text: str, path: str = "/d/10q.pdf") -> str:
    """The first line of the evidence picked for ``question`` from one passage ``text``: a
    statement figure or metric's line when one is read or worked out."""
    hit = SearchHit(rank=1, score=1.0, path=path, page=3, chunk_id=1, heading="", text=text,
                    start=0, end=len(text), document_id=1)  # fmt: skip
    selector = EvidenceSelector(OverlapReranker(), lambda t: len(t.split()), budget_tokens=300,
                                margin=2.0)  # fmt: skip
    return selector.select(question, [hit])[0].text.splitlines()[0]
