"""The one citation grammar: ``[n]`` markers in an answer, parsed, cleaned and mapped to sources.

A marker is ``[1]``, or a group ``[1, 2]`` / ``[1; 2]`` that small models often write; a
Markdown link ``[1](...)`` is not a marker. Every module that reads or rewrites markers (the
answerer, the chats' Markdown export, the desktop's links, evaluation) uses this one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sourcewise.core.text.sentences import sentences

MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\](?!\()")
_GROUP = r"\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\](?!\()"
# Markers right after a sentence's end ("... in 2021. [1][2]") belong to that sentence.
_TRAILING_GROUPS = re.compile(rf"(?:\s*{_GROUP})+")


@dataclass(frozen=True)
class CitedSentence:
    sentence: str  # without its markers
    sources: tuple[int, ...]


def numbers(match: re.Match[str]) -> list[int]:
    """The source numbers of one marker match (``[2, 3]`` -> [2, 3])."""
    return [int(n) for n in re.findall(r"\d+", match.group(1))]


def replace_markers(text: str, each: Callable[[int], str]) -> str:
    """Rewrite every marker, one number at a time (``[2, 3]`` -> ``each(2) + each(3)``)."""
    return MARKER.sub(lambda m: "".join(each(n) for n in numbers(m)), text)


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


def clean_markers(answer: str, valid: set[int]) -> str:
    """Canonical ``[n]`` markers; numbers that are not a provided source (invented) dropped."""
    cleaned = replace_markers(answer, lambda n: f"[{n}]" if n in valid else "")
    return re.sub(r"[ \t]+([.,;:])", r"\1", cleaned).strip()


def cited_numbers(answer: str) -> list[int]:
    """Distinct source numbers in order of first citation."""
    return list(dict.fromkeys(n for m in MARKER.finditer(answer) for n in numbers(m)))


def cited_sentences(answer: str) -> list[CitedSentence]:
    out = []
    for sentence, nums in split_sentences(answer):
        if nums and sentence:
            out.append(CitedSentence(sentence, nums))
    return out


def split_sentences(answer: str) -> list[tuple[str, tuple[int, ...]]]:
    """Every sentence of an answer (markers removed) with the sources it cites, if any."""
    out = []
    for found in sentences(answer, wrapped=False, attach=_TRAILING_GROUPS):
        chunk = found.text
        nums = tuple(cited_numbers(chunk))
        text = re.sub(r"\s+([.,;:!?])", r"\1", strip_markers(chunk)).strip()
        if text:
            out.append((text, nums))
    return out


def locate(text: str, sentence: str) -> re.Match[str] | None:
    """Where a sentence from :func:`split_sentences` (markers removed) stands in ``text``:
    its words and punctuation in order, with any spaces and markers between them, and the
    markers right after it."""
    tokens = re.findall(r"\w+|[^\w\s]", sentence)
    if not tokens:
        return None
    gap = rf"(?:\s|{_GROUP})*"
    return re.search(gap.join(re.escape(t) for t in tokens) + rf"(?:\s*{_GROUP})*", text)
