"""XQuAD (16 articles, 12 languages, shared/data/xquad) as paragraphs and questions, split by
article into a tune half and a report half.

The six articles shared with ``../squad2`` keep that split (its train articles tune, its eval
articles report: bench/_squad.py); the other ten are shared out so that each half holds eight
articles and a mix of history, science and places. Fixed here, never chosen per run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import _squad


def find_data(name: str) -> Path:
    """``shared/data/<name>`` beside the checkout, or beside one of its parents (a worktree)."""
    for parent in Path(__file__).resolve().parents[1:]:
        if (parent / "shared" / "data" / name).is_dir():
            return parent / "shared" / "data" / name
    return Path(__file__).resolve().parents[2] / "shared" / "data" / name


# Found from a worktree too (../shared is then not beside the checkout).
XQUAD = find_data("xquad")
LANGUAGES = ("en", "de", "zh", "es", "ru", "ar", "hi", "th", "vi", "tr", "el", "ro")
TUNE_ARTICLES = ("Normans", "Steam_engine", "Immune_system", "Islamism",
                 "Nikola_Tesla", "Martin_Luther", "Sky_(United_Kingdom)", "Oxygen")  # fmt: skip
REPORT_ARTICLES = ("Harvard_University", "Force", "Super_Bowl_50", "Teacher",
                   "Southern_California", "Victoria_(Australia)", "Apollo_program",
                   "Amazon_rainforest")  # fmt: skip
Half = Literal["tune", "report"]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    paragraph: int  # index into the half's paragraphs
    answers: tuple[str, ...]
    start: int  # where the first answer begins in its paragraph


@dataclass(frozen=True)
class Split:
    articles: tuple[str, ...]
    paragraphs: tuple[tuple[str, str], ...]  # (article, paragraph text)
    questions: tuple[Question, ...]


def load(lang: str, half: Half, folder: Path = XQUAD) -> Split:
    """The paragraphs and questions of one half of ``xquad.<lang>.json``."""
    path = folder / f"xquad.{lang}.json"
    if not path.is_file():
        raise ValueError(f"no XQuAD file at {path}")
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    titles = {a["title"] for a in data}
    if titles != set(TUNE_ARTICLES) | set(REPORT_ARTICLES):
        raise ValueError(f"{path} does not hold the 16 articles of the split")
    wanted = TUNE_ARTICLES if half == "tune" else REPORT_ARTICLES
    paragraphs: list[tuple[str, str]] = []
    questions: list[Question] = []
    for art in data:
        if art["title"] not in wanted:
            continue
        for para in art["paragraphs"]:
            index = len(paragraphs)
            paragraphs.append((art["title"], para["context"].replace("\n", " ")))
            for qa in para["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
                start = int(qa["answers"][0]["answer_start"])
                questions.append(Question(qa["id"], qa["question"], index, answers, start))
    return Split(wanted, tuple(paragraphs), tuple(questions))


# -- one article at a time (bench/mixed_folder.py) ----------------------------------------------
@dataclass(frozen=True)
class ArticleQuestion:
    id: str
    lang: str
    article: str
    paragraph: int
    question: str
    answers: tuple[str, ...]


def _articles(lang: str, folder: Path = XQUAD) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    raw = json.loads((folder / f"xquad.{lang}.json").read_text(encoding="utf-8"))
    return {art["title"]: art["paragraphs"] for art in raw["data"]}


def paragraphs(lang: str, title: str) -> list[str]:
    """One article's paragraphs in one language."""
    return [p["context"].replace("\n", " ") for p in _articles(lang)[title]]


def questions(lang: str, title: str) -> list[ArticleQuestion]:
    """One article's questions in one language, in file order."""
    out = []
    for i, para in enumerate(_articles(lang)[title]):
        for qa in para["qas"]:
            answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
            out.append(ArticleQuestion(qa["id"], lang, title, i, qa["question"], answers))
    return out


def squad_article(title: str) -> _squad.Article:
    """An English SQuAD 2.0 article (with its unanswerable questions) by title."""
    return next(a for a in _squad.load() if a.title == title)


# -- paragraphs by key, for embedders alone (bench/languages_embed.py) --------------------------
@dataclass(frozen=True)
class KeyedQuestion:
    id: str
    text: str
    paragraph: str  # key of the gold paragraph: "<article>#<index>", the same in every language


@dataclass(frozen=True)
class Language:
    code: str
    paragraphs: dict[str, str]  # key -> text
    questions: tuple[KeyedQuestion, ...]


def load_language(code: str, half: Half = "tune", data: Path = XQUAD) -> Language:
    """One language's half as paragraphs by key and questions naming their paragraph's key."""
    articles = TUNE_ARTICLES if half == "tune" else REPORT_ARTICLES
    raw = json.loads((data / f"xquad.{code}.json").read_text(encoding="utf-8"))["data"]
    paragraphs: dict[str, str] = {}
    questions: list[KeyedQuestion] = []
    for article in raw:
        if article["title"] not in articles:
            continue
        for i, para in enumerate(article["paragraphs"]):
            key = f"{article['title']}#{i}"
            paragraphs[key] = para["context"]
            questions += [KeyedQuestion(qa["id"], qa["question"], key) for qa in para["qas"]]
    return Language(code, paragraphs, tuple(questions))
