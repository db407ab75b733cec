"""Word spacing for OCR'd lines: put back the spaces the recogniser drops.

RapidOCR's recogniser often glues words ("INTERNALMEMO", "To:alldepotcoordinators"), more so
on small or wide-set text. Its per-character positions are too coarse (one CTC column is ~1/6
of the line height) to tell a word space from a wide letter, but the image is not: a blank
stripe in the line's ink wider than :data:`_SPACE_GAP` of the line height is a space, and the
character positions say between which two characters it falls.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

Box = tuple[float, float, float, float]

# A word space with the letters' side bearings is ~0.4 em, ~0.35-0.45 of a line box's height
# (the box is 1-1.2 em); gaps inside a word stay under ~0.2 ("I N" in capitals, measured).
_SPACE_GAP = 0.27
_INK = 0.5  # a pixel darker than this fraction between the crop's lightest and darkest is ink


def respace(
    text: str, image: NDArray[np.uint8], line: Box, chars: list[Box], tokens: list[str]
) -> str:
    """``text`` with the spaces its line's image shows; ``chars`` and ``tokens`` are the
    recogniser's per-character boxes and characters (``text`` is returned unchanged when
    they do not spell it out)."""
    glyphs = [t for t in tokens if t.strip()]
    boxes = [b for b, t in zip(chars, tokens, strict=False) if t.strip()]
    if "".join(glyphs) != "".join(text.split()) or len(boxes) != len(glyphs) or len(glyphs) < 2:
        return text
    centres = [(b[0] + b[2]) / 2 for b in boxes]
    return spaced(text, centres, ink_gaps(image, line))


def ink_gaps(image: NDArray[np.uint8], line: Box) -> list[float]:
    """Centres (x, image pixels) of the blank stripes inside ``line`` wide enough to be spaces."""
    x0, y0, x1, y1 = (round(v) for v in line)
    crop = image[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)]
    if crop.size == 0:
        return []
    gray = crop.mean(axis=2) if crop.ndim == 3 else crop.astype(np.float64)
    light, dark = float(gray.max()), float(gray.min())
    if light - dark < 32:  # no contrast: nothing to measure
        return []
    inked = (gray < light - _INK * (light - dark)).any(axis=0)
    columns = np.flatnonzero(inked)
    if len(columns) < 2:
        return []
    widest = _SPACE_GAP * (y1 - y0)
    gaps = []
    for left, right in itertools.pairwise(columns):
        if right - left - 1 > widest:
            gaps.append(float(max(x0, 0) + (left + right) / 2))
    return gaps


def _in_number(left: str, right: str) -> bool:
    """Digits have one advance whatever their width, so a "1" stands in a blank as wide as a
    space ("471 1"): a gap between digits (or a digit and its "," or ".") is no space."""
    numeric = set("0123456789.,")
    return left in numeric and right in numeric and (left.isdigit() or right.isdigit())


def spaced(text: str, centres: list[float], gaps: list[float]) -> str:
    """``text`` with a space between the two characters (by ``centres``, one per non-space
    character) each gap falls between, where the text has none there."""
    glyphs = "".join(text.split())
    breaks = {
        i
        for g in gaps
        for i in range(min(len(centres), len(glyphs)) - 1)
        if centres[i] < g < centres[i + 1] and not _in_number(glyphs[i], glyphs[i + 1])
    }
    out: list[str] = []
    k = -1
    for pos, char in enumerate(text):
        out.append(char)
        if not char.isspace():
            k += 1
            following = text[pos + 1] if pos + 1 < len(text) else " "
            if k in breaks and not following.isspace():
                out.append(" ")
    return "".join(out)
