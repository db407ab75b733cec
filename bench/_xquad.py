"""XQuAD (16 articles, 12 languages) split by article into a tune half and a report half.

Every article has five paragraphs in every language, and a question has the same id in every
language, so an English question can be asked over the Chinese paragraphs. Benchmarks tune on
the tune half only; the report half is for the final numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


def find_data(name: str) -> Path:
    """``shared/data/<name>`` beside the checkout, or beside one of its parents (a worktree)."""
    for parent in Path(__file__).resolve().parents[1:]:
        if (parent / "shared" / "data" / name).is_dir():
            return parent / "shared" / "data" / name
    return Path(__file__).resolve().parents[2] / "shared" / "data" / name


DATA = find_data("xquad")
LANGUAGES = ("en", "de", "zh", "es", "ru", "ar", "hi", "th", "vi", "tr", "el", "ro")

# The four SQuAD 2.0 train articles (bench/_squad.py) and four more form the tune half; the
# SQuAD 2.0 eval articles (Harvard_University, Force) and six more the report half. Fixed
# here, never chosen per run: 232 tune questions, 197 report questions per language.
TUNE_ARTICLES = (
    "Normans", "Steam_engine", "Immune_system", "Islamism",
    "Super_Bowl_50", "Nikola_Tesla", "Martin_Luther", "Oxygen",
)  # fmt: skip
REPORT_ARTICLES = (
    "Harvard_University", "Force", "Teacher", "Southern_California",
    "Sky_(United_Kingdom)", "Victoria_(Australia)", "Apollo_program", "Amazon_rainforest",
)  # fmt: skip
Split = Literal["tune", "report"]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    paragraph: str  # key of the gold paragraph: "<article>#<index>", the same in every language


@dataclass(frozen=True)
class Language:
    code: str
    paragraphs: dict[str, str]  # key -> text
    questions: tuple[Question, ...]


def load(code: str, split: Split = "tune", data: Path = DATA) -> Language:
    articles = TUNE_ARTICLES if split == "tune" else REPORT_ARTICLES
    raw = json.loads((data / f"xquad.{code}.json").read_text(encoding="utf-8"))["data"]
    paragraphs: dict[str, str] = {}
    questions: list[Question] = []
    for article in raw:
        if article["title"] not in articles:
            continue
        for i, para in enumerate(article["paragraphs"]):
            key = f"{article['title']}#{i}"
            paragraphs[key] = para["context"]
            questions += [Question(qa["id"], qa["question"], key) for qa in para["qas"]]
    return Language(code, paragraphs, tuple(questions))
