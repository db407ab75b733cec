"""OCR keeps the spaces between words, also where the recogniser glues them together."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from sourcewise.core.ingest.parsers import ocr_spacing, parse_file

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _memo_scan(path: Path, lines: list[str], *, px: int = 40, dpi: int = 200) -> Path:
    """A small image-only page: ``lines`` in DejaVu Sans ``px`` pixels high, scanned at ``dpi``."""
    src = pymupdf.open()
    page = src.new_page(width=420, height=40 + 40 * len(lines))
    page.insert_font(fontname="dv", fontfile=str(_DEJAVU))
    size = px * 72 / dpi
    for i, line in enumerate(lines):
        page.insert_text((30, 40 + i * size * 1.8), line, fontsize=size, fontname="dv")
    png = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY).tobytes("png")
    doc = pymupdf.open()
    doc.new_page(width=page.rect.width, height=page.rect.height).insert_image(page.rect, stream=png)
    doc.save(path)
    return path


def _bars(spans: list[tuple[int, int]], height: int = 40, width: int = 200) -> np.ndarray:
    """A white BGR line image with black bars (letters) at the given x spans."""
    image = np.full((height, width, 3), 255, dtype=np.uint8)
    for x0, x1 in spans:
        image[8:32, x0:x1] = 0
    return image


def test_blank_stripes_wider_than_a_space_are_gaps() -> None:
    image = _bars([(10, 20), (24, 34), (50, 60)])  # 3 px between letters, 15 px between words
    assert ocr_spacing.ink_gaps(image, (0.0, 0.0, 200.0, 40.0)) == [41.5]
    assert ocr_spacing.ink_gaps(_bars([]), (0.0, 0.0, 200.0, 40.0)) == []


def test_glued_words_get_their_space_back() -> None:
    # Issue 13 item 11: "INTERNALMEMO", "To:alldepotcoordinators".
    centres = [10.0 * i for i in range(12)]  # one per letter; the gap lies between L and M
    assert ocr_spacing.spaced("INTERNALMEMO", centres, [75.0]) == "INTERNAL MEMO"
    # A narrow "1" in a digit's full advance leaves a blank as wide as a space: no split.
    assert ocr_spacing.spaced("No4711", centres[:6], [15.0, 45.0]) == "No 4711"
    image = _bars([(10, 20), (24, 34), (50, 60), (64, 74)])
    chars = [(10.0, 0.0, 20.0, 40.0), (24.0, 0.0, 34.0, 40.0), (50.0, 0.0, 60.0, 40.0),
             (64.0, 0.0, 74.0, 40.0)]  # fmt: skip
    line = (0.0, 0.0, 200.0, 40.0)
    assert ocr_spacing.respace("Toal", image, line, chars, list("Toal")) == "To al"
    assert ocr_spacing.respace("To al", image, line, chars, list("Toal")) == "To al"  # kept
    assert ocr_spacing.respace("odd", image, line, chars, list("Toal")) == "odd"  # mismatch


@pytest.mark.skipif(not _DEJAVU.exists(), reason="DejaVu Sans is not installed")
def test_scanned_memo_keeps_word_spacing_and_says_it_was_ocred(tmp_path: Path) -> None:
    # Issue 13 item 11: "INTERNALMEMO" from a clean 200 dpi scan of 40 px DejaVu text.
    lines = ["INTERNAL MEMO", "To: all depot coordinators"]
    doc = parse_file(_memo_scan(tmp_path / "memo.pdf", lines))
    assert " ".join(b.text for b in doc.blocks) == " ".join(lines)
    assert doc.warnings == ["page 1 read by OCR"]


@pytest.mark.skipif(not _DEJAVU.exists(), reason="DejaVu Sans is not installed")
def test_index_and_status_say_which_pages_were_ocred(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from sourcewise.core.cli.main import main

    docs = tmp_path / "docs"
    docs.mkdir()
    scan = _memo_scan(docs / "memo.pdf", ["INTERNAL MEMO"])
    (docs / "notes.txt").write_text("A plain note.")
    fakes = ["--data-dir", str(tmp_path / "home"), "--set", 'embed.model="hash"',
             "--set", "retrieval.rerank=false", "--set", 'index.parse_mode="thread"']  # fmt: skip
    assert main([*fakes, "index", str(docs), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["warnings"] == [{"path": str(scan), "message": "page 1 read by OCR"}]
    assert main([*fakes, "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["warnings"] == [{"path": str(scan), "message": "page 1 read by OCR"}]
    assert main([*fakes, "status"]) == 0
    assert "page 1 read by OCR" in capsys.readouterr().out
