"""OCR render resolution: which dpi to render scanned PDF pages at before RapidOCR reads them.

    .venv/bin/python bench/ocr_resolution.py [--dpi 150 200 300]

Generates image-only A4 pages offline (DejaVu Sans memo text at 28 and 40 px, tight and loose
line spacing, scanned at 200 dpi) and OCRs each through ``ocr.ocr_page`` at every dpi asked for.
Prints, per dpi: lines read exactly (case kept, spaces normalised), words read, seconds per page.
RapidOCR shrinks its input to 2000 px on the long side, so resolutions above ~170 dpi on A4
mostly change the resampling, not the detail the model sees.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pymupdf

from sourcewise.core.ingest.parsers import ocr

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MEMO = [
    "INTERNAL MEMO",
    "To: all depot coordinators",
    "From: regional logistics office",
    "Subject: winter schedule for the northern routes",
    "Deliveries start at six in the morning",
    "Please confirm your crew lists by Friday",
    "Reference number 4711-B, valid until March",
    "Thank you for your help",
]


def scan(path: Path, px: int, spacing: float, dpi: int = 200) -> Path:
    src = pymupdf.open()
    page = src.new_page(width=595, height=842)
    page.insert_font(fontname="dv", fontfile=FONT)
    size = px * 72 / dpi
    for i, line in enumerate(MEMO):
        page.insert_text((60, 90 + i * size * spacing), line, fontsize=size, fontname="dv")
    png = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY).tobytes("png")
    doc = pymupdf.open()
    doc.new_page(width=595, height=842).insert_image(pymupdf.Rect(0, 0, 595, 842), stream=png)
    doc.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 300])
    args = parser.parse_args()
    ocr.get_engine()  # built once, outside the clock
    with tempfile.TemporaryDirectory() as tmp:
        pages = [scan(Path(tmp) / f"{px}-{sp}.pdf", px, sp) for px in (28, 40) for sp in (1.3, 2.0)]
        print("| dpi | lines exact | words | s/page |")
        print("|---|---|---|---|")
        for dpi in args.dpi:
            lines = words = 0
            seconds = 0.0
            for path in pages:
                with pymupdf.open(path) as doc:
                    started = time.perf_counter()
                    read = [ln.text for ln in ocr.ocr_page(doc[0], dpi)]
                    seconds += time.perf_counter() - started
                lines += sum(1 for want in MEMO if want in read)
                got = " ".join(read).split()
                words += sum(1 for w in " ".join(MEMO).split() if w in got)
            total_lines, total_words = (
                len(MEMO) * len(pages),
                len(" ".join(MEMO).split()) * len(pages),
            )
            print(f"| {dpi} | {lines}/{total_lines} | {words}/{total_words} | "
                  f"{seconds / len(pages):.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
