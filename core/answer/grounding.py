"""Figures an answer states that its cited source does not hold.

The 1.5B model reads a 10-Q's prose about the effective tax rate and writes "an effective tax
rate of 20.1%", a figure found nowhere in its sources. A cited sentence whose numbers its source
does not hold (in any scale: "$36.4 billion" is the table's "36,413" in millions) is marked
unsupported, which the app and the CLI show beside the citation.
"""

from __future__ import annotations

import re

from sourcewise.core.answer import citations as cit

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_SCALES = (1.0, 1e3, 1e6, 1e9, 1e-3, 1e-6, 1e-9)


def missing_figures(sentence: str, source: str, question: str = "") -> list[str]:
    """The numbers of ``sentence`` that neither ``source`` nor ``question`` holds."""
    held = {v for v, _ in _numbers(source) + _numbers(question)}
    return [text for value, text in _numbers(cit.strip_markers(sentence))
            if not any(_same(value, text, h) for h in held)]  # fmt: skip


def states(text: str, figure: str) -> bool:
    """Whether ``text`` states the number ``figure`` ("14,316") in some scale ("$14.3
    billion" states 14,316 million)."""
    value = _value(figure)
    return value is not None and any(_same(v, t, value) for v, t in _numbers(text))


def _numbers(text: str) -> list[tuple[float, str]]:
    out = []
    for m in _NUMBER.finditer(text):
        value = _value(m.group().rstrip(".,"))
        if value is not None:
            out.append((value, m.group().rstrip(".,")))
    return out


def _value(raw: str) -> float | None:
    """1,234.5 and 1.234,5 (German) and 1234 alike; None for what is not one number."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", raw):
        raw = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        raw = raw.replace(",", "")
    else:
        raw = raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


def _same(value: float, text: str, held: float) -> bool:
    """``value`` as written (its decimals) is ``held`` in some scale, rounded."""
    decimals = (
        len(text.replace(",", ".").rsplit(".", 1)[1]) if re.search(r"[.,]\d{1,2}$", text) else 0
    )
    tolerance = 0.5 * 10**-decimals + 1e-9
    return any(abs(held / k - value) <= tolerance for k in _SCALES)
