"""A person's mixed folder, built for bench/answers_mixed.py: the kinds of files people keep.

    .venv/bin/python bench/mixed_folder.py --out /tmp/mixed

Copies the hand-written notes, FAQ and minutes of bench/data/mixed; writes the DOCX policies
(prose plus tables), the XLSX budget and the CSV vendor list below; renders an invoice as an
image-only PDF (a scan: OCR reads it); lays out a SQuAD training article as a prose PDF; copies
three real 10-Qs of the tuning companies (../shared/data/sec10q); and writes three XQuAD
articles of the tuning half in German, Chinese and Spanish. The questions are
bench/data/mixed_questions.jsonl. Our evaluation folder is another one: nothing here is tuned
against it.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import _xquad
import pymupdf as fitz
from docx import Document
from openpyxl import Workbook
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "data" / "mixed"
SHARED = HERE.parents[1] / "shared" / "data"
REPORTS = ("2023 Q3 AAPL.pdf", "2023 Q3 INTC.pdf", "2023 Q1 AMZN.pdf")
ARTICLES = (("de", "Martin_Luther"), ("zh", "Nikola_Tesla"), ("es", "Oxygen"))
PROSE_ARTICLE = "Steam_engine"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def build(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SOURCES, out, dirs_exist_ok=True)
    _travel_policy(out / "policies" / "Travel-and-Expense-Policy.docx")
    _remote_policy(out / "policies" / "Remote-Work-Policy.docx")
    _budget(out / "finance" / "Budget-2025.xlsx")
    _vendors(out / "finance" / "vendors.csv")
    _scan(out / "finance" / "scanned-invoice-2025-0417.pdf")
    _prose_pdf(out / "reading" / f"{PROSE_ARTICLE}.pdf")
    for name in REPORTS:
        (out / "reports").mkdir(exist_ok=True)
        shutil.copy2(SHARED / "sec10q" / "docs" / name, out / "reports" / name)
    for lang, title in ARTICLES:
        _article(out / "reading" / f"{title}.{lang}.md", lang, title)
    return out


# -- DOCX ---------------------------------------------------------------------------------------
def _table(doc: object, rows: list[list[str]]) -> None:
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[attr-defined]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value


def _travel_policy(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_heading("Travel and Expense Policy", 0)
    doc.add_paragraph("Valid from 1 January 2025. Owner: Finance (Julia Chen).")
    doc.add_heading("Booking travel", 1)
    doc.add_paragraph(
        "All trips are booked through the travel desk. Economy class is required for flights "
        "under six hours; business class may be booked for flights of six hours or more with "
        "the approval of the department head. Rail is preferred for trips under 500 km."
    )
    doc.add_heading("Meal allowance", 1)
    doc.add_paragraph("The daily meal allowance depends on the city of the overnight stay:")
    _table(doc, [["City", "Breakfast", "Lunch", "Dinner", "Currency"],
                 ["London", "18", "25", "40", "GBP"],
                 ["Berlin", "15", "20", "35", "EUR"],
                 ["New York", "22", "30", "55", "USD"],
                 ["Tokyo", "1,800", "2,500", "4,500", "JPY"]])  # fmt: skip
    doc.add_heading("Approval limits", 1)
    doc.add_paragraph(
        "A single expense above the limit of your role needs the approver's sign-off."
    )
    _table(doc, [["Role", "Single expense limit (EUR)", "Approver"],
                 ["Employee", "500", "Team lead"],
                 ["Team lead", "2,500", "Department head"],
                 ["Department head", "10,000", "Chief Financial Officer"]])  # fmt: skip
    doc.add_heading("Claims", 1)
    doc.add_paragraph(
        "Receipts must be submitted in the expense tool within 30 days of the end of the trip. "
        "Claims submitted later are reimbursed only with the CFO's approval. Reimbursements are "
        "paid with the next monthly salary."
    )
    doc.save(str(path))


def _remote_policy(path: Path) -> None:
    doc = Document()
    doc.add_heading("Remote Work Policy", 0)
    doc.add_paragraph(
        "Employees may work remotely up to three days per week, unless their role is listed "
        "below with a different number of days. Remote work requires a secure home network and "
        "the company VPN."
    )
    doc.add_paragraph("Remote days per week by role:")
    _table(doc, [["Role", "Remote days per week", "Core hours"],
                 ["Software engineer", "3", "10:00-15:00"],
                 ["Support agent", "2", "08:00-17:00"],
                 ["Warehouse staff", "0", "06:00-14:30"],
                 ["Sales representative", "4", "09:00-16:00"]])  # fmt: skip
    doc.add_paragraph(
        "Equipment: the company provides a laptop, a monitor and a headset. A one-off home "
        "office allowance of 300 EUR is paid for a desk or chair, against receipts."
    )
    doc.save(str(path))


# -- spreadsheets -------------------------------------------------------------------------------
BUDGET = [["Department", "Budget 2025 (EUR)", "Headcount", "Owner"],
          ["Marketing", 420000, 6, "Lena Vogt"],
          ["Engineering", 1150000, 14, "Tom Berger"],
          ["Sales", 610000, 9, "Aisha Khan"],
          ["Facilities", 185000, 2, "Marco Rossi"],
          ["HR", 240000, 3, "Julia Chen"]]  # fmt: skip
SPEND = [["Quarter", "Marketing", "Engineering", "Sales", "Facilities", "HR"],
         ["Q1", 96500, 281000, 142300, 51200, 57800],
         ["Q2", 118200, 290400, 150900, 43800, 61000],
         ["Q3", 87400, 276900, 139500, 47100, 58300]]  # fmt: skip


def _budget(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Departments"
    for row in BUDGET:
        sheet.append(row)
    spend = wb.create_sheet("Quarterly spend")
    for row in SPEND:
        spend.append(row)
    wb.save(str(path))


def _vendors(path: Path) -> None:
    path.write_text(
        "Vendor,Service,Contract end,Annual cost (USD),Contact\n"
        "Northwind Cleaning,Office cleaning,2026-03-31,48000,ops@northwind.example\n"
        "Fabrikam Payroll,Payroll services,2025-12-31,36500,support@fabrikam.example\n"
        "Litware Security,Building security,2027-06-30,91200,desk@litware.example\n"
        "Adatum Catering,Canteen and events,2025-09-30,128000,events@adatum.example\n"
        "Proseware IT,Laptop leasing,2026-01-31,74800,leasing@proseware.example\n",
        encoding="utf-8",
    )


# -- a scanned page -----------------------------------------------------------------------------
INVOICE = """Proseware IT Services GmbH
Hafenstrasse 40, 20457 Hamburg

INVOICE No. 2025-0417
Invoice date: 18 July 2025
Customer: Sourcewise Demo AG, Accounts Payable

Description                         Quantity   Amount (EUR)
Laptop leasing, July 2025              24          2,640.00
Docking stations, replacement           6            840.00

Total due: EUR 3,480.00
Payment due by 15 August 2025 to IBAN DE89 3704 0044 0532 0130 00.
Please quote the invoice number with your payment."""


def _scan(path: Path) -> None:
    """The invoice as a 150-dpi greyscale picture in a PDF without a text layer."""
    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 26)
    y = 140
    for line in INVOICE.splitlines():
        draw.text((110, y), line, fill=20, font=font)
        y += 44
    png = path.with_suffix(".png")
    img.rotate(0.6, fillcolor=255).save(png)
    doc = fitz.open()
    page = doc.new_page(width=595, height=842)
    page.insert_image(page.rect, filename=str(png))
    doc.save(str(path))
    png.unlink()


# -- prose --------------------------------------------------------------------------------------
def _prose_pdf(path: Path) -> None:
    """A SQuAD training article laid out as a report: title, then paragraphs over pages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    article = _xquad.squad_article(PROSE_ARTICLE)
    doc = fitz.open()
    page, y = doc.new_page(), 72.0
    page.insert_text((72, y), article.heading, fontsize=18)
    y += 36
    for para in article.paragraphs:
        height = 13.0 * (len(para) // 80 + 2)
        if y + height > 770:
            page, y = doc.new_page(), 72.0
        left = page.insert_textbox(fitz.Rect(72, y, 523, y + height), para, fontsize=10)
        if left < 0:
            raise ValueError(f"a paragraph did not fit its box ({left:.0f} pt short)")
        y += height - left + 8
    doc.save(str(path))


def _article(path: Path, lang: str, title: str) -> None:
    paragraphs = _xquad.paragraphs(lang, title)
    path.write_text(f"# {title.replace('_', ' ')}\n\n" + "\n\n".join(paragraphs) + "\n",
                    encoding="utf-8")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    out = build(ap.parse_args().out)
    print(json.dumps({"folder": str(out), "files": sum(1 for p in out.rglob("*") if p.is_file())}))


if __name__ == "__main__":
    main()
