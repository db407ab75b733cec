"""OCR keeps the spaces between words, also where the recogniser glues them together."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from sourcewise.core.ingest.parsers import ocr, parse_file

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


def test_glued_capitals_get_their_space_back() -> None:
    # Boxes as RapidOCR returned them for "INTERNAL MEMO" set in 40 px capitals: one per
    # letter, the gap between L and M wider than any gap inside a word.
    lefts = [167, 181, 205, 228, 258, 287, 316, 340, 381, 410, 440, 475]
    rights = [181, 205, 228, 252, 281, 311, 340, 363, 405, 434, 463, 498]
    boxes = [(float(a), 219.0, float(b), 254.0) for a, b in zip(lefts, rights, strict=True)]
    assert ocr.spaced("INTERNALMEMO", boxes, list("INTERNALMEMO")) == "INTERNAL MEMO"


def test_spaces_already_there_are_kept_and_mismatches_left_alone() -> None:
    words = [(0.0, 0.0, 30.0, 20.0), (40.0, 0.0, 70.0, 20.0)]
    assert ocr.spaced("To: all", words, ["To:", "all"]) == "To: all"
    assert ocr.spaced("To:all", words, ["To:", "all"]) == "To: all"
    assert ocr.spaced("odd text", words, ["other", "tokens"]) == "odd text"


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
