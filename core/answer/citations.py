"""Parse ``[n]`` markers in an answer, drop the ones that point nowhere, map the rest to sources."""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER = re.compile(r"\[(\d{1,3})\]")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)(?:\s*(?:\[\d{1,3}\])+)?")


@dataclass(frozen=True)
class CitedSentence:
    sentence: str  # without its markers
    sources: tuple[int, ...]


def clean_markers(answer: str, valid: set[int]) -> str:
    """Remove markers whose number is not a provided source (the model invented them)."""
    cleaned = MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in valid else "", answer)
    return re.sub(r"[ \t]+([.,;:])", r"\1", cleaned).strip()


def cited_numbers(answer: str) -> list[int]:
    """Distinct source numbers in order of first citation."""
    return list(dict.fromkeys(int(m.group(1)) for m in MARKER.finditer(answer)))


def cited_sentences(answer: str) -> list[CitedSentence]:
    out = []
    for m in _SENTENCE.finditer(answer):
        chunk = m.group(0)
        nums = tuple(dict.fromkeys(int(n) for n in MARKER.findall(chunk)))
        text = MARKER.sub("", chunk).strip()
        if nums and text:
            out.append(CitedSentence(text, nums))
    return out
