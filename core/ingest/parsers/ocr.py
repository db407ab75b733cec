"""CPU OCR for scanned PDF pages with RapidOCR (ONNX Runtime).

The detection, orientation and recognition models ship inside the ``rapidocr_onnxruntime``
wheel, so nothing is downloaded. The engine takes about a second to build, so one is built
per process, on first use, and shared.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from sourcewise.core.ingest.parsers._common import describe_failure
from sourcewise.core.ingest.parsers.ocr_spacing import respace

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Measured (bench/ocr_resolution.py, 200 dpi scans of 28/40 px DejaVu text): 150 dpi 18/32
# lines exact, 200: 27/32, 250: 23/32, 300: 25/32 with spaces from the word boxes; 32/32 at
# both 200 and 300 with spaces from the image (ocr_spacing). RapidOCR shrinks its input to 2000 px on the long side, so on A4 anything above
# ~170 dpi reaches the model at the same scale: 200 costs the least to render.
DEFAULT_DPI = 200
_MAX_SIDE_PX = 4000  # posters and maps at 200 dpi would be huge; detection resizes anyway


class OcrError(Exception):
    """OCR could not run (engine unavailable) or failed on one image."""


_engine: Any = None
_engine_error: OcrError | None = None  # remembered: a failed build is not retried per page
_engine_lock = threading.Lock()


class OcrLine(NamedTuple):
    text: str
    bbox: tuple[float, float, float, float]  # pixels from ocr_image, points from ocr_page
    score: float


def ocr_page(page: Any, dpi: int = DEFAULT_DPI) -> list[OcrLine]:
    """Recognised lines of ``page``, top to bottom, with boxes in page points."""
    image, zoom = render_page(page, dpi)
    x0, y0 = page.rect.x0, page.rect.y0
    return [
        OcrLine(line.text, _scaled(line.bbox, zoom, x0, y0), line.score)
        for line in ocr_image(image)
    ]


def page_text(page: Any, dpi: int = DEFAULT_DPI) -> str:
    """The page's OCR'd text, one recognised line per text line."""
    return "\n".join(line.text for line in ocr_page(page, dpi))


def render_page(page: Any, dpi: int = DEFAULT_DPI) -> tuple[NDArray[np.uint8], float]:
    """``page`` as a BGR image (what OpenCV-based engines expect) and the zoom used."""
    import pymupdf

    fitz: Any = pymupdf  # only partly annotated; untyped calls would fail --strict
    longest = max(page.rect.width, page.rect.height, 1.0)
    zoom = min(dpi / 72.0, _MAX_SIDE_PX / longest)
    pix = page.get_pixmap(matrix=fitz.Matrix(zoom, zoom), colorspace=fitz.csRGB, alpha=False)
    rows = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    rgb = rows[:, : pix.width * pix.n].reshape(pix.height, pix.width, pix.n)
    return np.ascontiguousarray(rgb[:, :, ::-1]), zoom


def ocr_image(image: NDArray[np.uint8]) -> list[OcrLine]:
    """Recognised lines of a BGR image, in reading order, boxes in pixels."""
    engine = get_engine()
    try:
        # Per-character boxes let glued words be split again (ocr_spacing).
        # unclip_ratio 2.0 (RapidOCR's default 1.6): the detector's boxes grown enough that a
        # long line is not dropped. On invoice, memo and long-line pages at 24/30 px, straight
        # and skewed 0.6 degrees: 76 of 92 lines read instead of 64, 3 stray boxes instead of
        # 13 (box_thresh 0.3 or text_score 0.3 changed neither).
        # No per-line angle classifier: it turned a long upright line upside down ("Payment
        # due by 15 August 2025 to IBAN ..." read as "0 010 290 t400 ...", score 0.38, dropped)
        # while recognising the same crop upright reads it at 0.98. Pages come upright or with
        # a /Rotate that rendering applies; a single line upside down is not a real case. On
        # the same invoice, memo and long-line pages: 82 of 92 lines read instead of 76.
        result, _elapsed = engine(image, return_word_box=True, unclip_ratio=2.0, use_cls=False)
    # ONNX Runtime and OpenCV raise their own exception types on odd images (zero-size,
    # unexpected channels); any of them means OCR failed on this image only.
    except Exception as err:
        raise OcrError(f"OCR failed ({describe_failure(err)})") from err
    lines = [_line(item, image) for item in result or ()]
    return _reading_order([line for line in lines if line.text])


def get_engine() -> Any:
    """The process-wide RapidOCR engine, built on first use."""
    global _engine, _engine_error
    with _engine_lock:
        if _engine_error is not None:
            raise _engine_error
        if _engine is None:
            try:
                _engine = _build_engine()
            except OcrError as err:
                _engine_error = err
                raise
        return _engine


def _build_engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR

        return RapidOCR()
    # A missing package, a broken ONNX Runtime install or an unreadable bundled model all
    # surface as different exception types; to the caller they mean "no OCR here".
    except Exception as err:
        raise OcrError(f"OCR engine unavailable ({describe_failure(err)})") from err


def _line(item: Any, image: NDArray[np.uint8]) -> OcrLine:
    box, text, score = _bounds(item[0]), str(item[1]).strip(), float(item[2])
    if len(item) >= 5 and item[3] and item[4]:  # per-character boxes and characters
        chars = [_bounds(b) for b in item[3]]
        text = respace(text, image, box, chars, [str(t) for t in item[4]])
    return OcrLine(text, box, score)


def _bounds(points: Any) -> tuple[float, float, float, float]:
    xs = [float(point[0]) for point in points]
    ys = [float(point[1]) for point in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Top to bottom; boxes whose vertical centres lie within half a line are one row."""
    ordered: list[OcrLine] = []
    row: list[OcrLine] = []
    for line in sorted(lines, key=lambda ln: (ln.bbox[1] + ln.bbox[3]) / 2):
        if row and not _same_row(row[0], line):
            ordered += sorted(row, key=lambda ln: ln.bbox[0])
            row = []
        row.append(line)
    return ordered + sorted(row, key=lambda ln: ln.bbox[0])


def _same_row(first: OcrLine, line: OcrLine) -> bool:
    height = max(first.bbox[3] - first.bbox[1], 1.0)
    centre = (first.bbox[1] + first.bbox[3]) / 2
    return abs((line.bbox[1] + line.bbox[3]) / 2 - centre) < height / 2


def _scaled(
    bbox: tuple[float, float, float, float], zoom: float, x0: float, y0: float
) -> tuple[float, float, float, float]:
    return (bbox[0] / zoom + x0, bbox[1] / zoom + y0, bbox[2] / zoom + x0, bbox[3] / zoom + y0)
