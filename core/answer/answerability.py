"""Is the answer in the evidence? The model's own yes/no, read from its log-probabilities.

A retrieval score says a passage is on topic; SQuAD 2.0's unanswerable questions (and most real
"not covered" ones) are on topic and still unanswered. The chat model reads the same evidence
the answer will use and we read P(Yes) against P(No) for its first reply token: one forward
pass over a prompt whose prefix the answer then reuses, so it costs a few tokens, not a second
prompt. The threshold is calibrated on the SQuAD training articles (bench/answer_squad.py
--split train), never on the evaluation ones.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sourcewise.core.answer import prompts
from sourcewise.core.answer.attribution import content_words
from sourcewise.core.llm.base import ChatModel
from sourcewise.core.text.words import SPACELESS_RUN

YES, NO = "Yes", "No"


@dataclass(frozen=True)
class Verdict:
    p_yes: float  # P(Yes) / (P(Yes) + P(No)) for the first reply token
    answerable: bool


def judge(
    model: ChatModel, sources: str, question: str, threshold: float, named: str = ""
) -> Verdict:
    """The model's P(Yes) against ``threshold``; with the question's names in mind: below
    ``threshold + NAMED_MARGIN`` a question naming something the evidence never mentions (a
    city, a company, a number) is not answered from it. ``named``: what names the sources'
    documents (their cards); "Intel's revenue" over Intel's own statement, which never says
    "Intel", names nothing missing (5 of 36 10-Q table questions were declined for it)."""
    logprobs = model.choice_logprobs(prompts.judge_messages(sources, question), (YES, NO))
    p = yes_probability(logprobs[YES], logprobs[NO])
    missing = missing_names(question, f"{sources}\n{named}")
    return Verdict(p, p >= threshold + (NAMED_MARGIN if missing else 0.0))


def yes_probability(yes: float, no: float) -> float:
    """The two-way softmax of two log-probabilities, stable for large magnitudes."""
    top = max(yes, no)
    if top == float("-inf"):
        return 0.5
    a, b = math.exp(yes - top), math.exp(no - top)
    return a / (a + b)


def uncovered_terms(question: str, evidence: str) -> list[str]:
    """The question's content words that the evidence never mentions (a 5-letter prefix
    match, so "ratings" finds "rating"). An on-topic passage that lacks the very entity or
    date the question asks about does not answer it; SQuAD 2.0 builds most unanswerable
    questions exactly so, and real ones ("the CEO of Delta Parts") look the same."""
    have = {w[:5] for w in content_words(evidence)}
    return [w for w in sorted(content_words(question)) if len(w) > 2 and w[:5] not in have]


# How much surer the model must be when a name of the question is missing from the evidence.
NAMED_MARGIN = 0.1  # bench/answerability_mixed.py: see the manifest's answerable_threshold
# Words that name the kind of document or the unit asked about, not a fact its passages state:
# a statement table never says "10-Q" or "USD" (it says "$" and "in millions").
NOT_STATED = re.compile(r"^(?:10-?[QK]|8-?K|20-?F|6-?K|40-?F|S-?1|DEF14A|USD|EUR|GBP|JPY|CNY|RMB|"
                         r"CHF|CAD|AUD|INR|FY\d{2})$", re.I)  # fmt: skip
# "FY2018" is stated as "2018" (a column label, a file name); "September" as "Sep" in a header.
_FISCAL_YEAR = re.compile(r"^FY((?:19|20)\d\d)$", re.I)
MONTHS = frozenset(["january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"])  # fmt: skip
# A capitalised word, a product name capitalised inside ("iPhone", "eBay"), a number or code.
_NAME = re.compile(r"\b(?:[A-Z][\w&-]*[A-Za-z0-9]|[a-z]{1,2}[A-Z][\w&-]*|[A-Za-z]*\d[\w./-]*)")
# Where a sentence starts: its first word is capitalised anyway ("… 2023? Answer from …").
_SENTENCE_START = re.compile(r"(?:^|[.?!:;]\s+|\n\s*)[\"'(\[«“‘]*$")


def missing_names(question: str, evidence: str) -> list[str]:
    """The question's names (capitalised words that start no sentence, acronyms, numbers and
    codes such as "2025-0417") that the evidence never mentions. "The meal allowance in Paris"
    over a table of London, Berlin and Tokyo: "Paris" is missing; a paraphrase is not a name."""
    have = evidence.lower()
    names = [w for w in question_names(question) if not NOT_STATED.match(w)]
    return [w for w in names if _as_stated(w) not in have]


def _as_stated(name: str) -> str:
    """What of ``name`` the evidence must hold: a 5-letter prefix ("ratings" finds "rating")."""
    fiscal = _FISCAL_YEAR.match(name)
    if fiscal:
        return fiscal.group(1)
    low = name.lower()
    return low[:3] if low in MONTHS else low[:5]


def question_names(question: str) -> list[str]:
    """Capitalised words that start no sentence, acronyms, numbers and codes: what picks one
    row or one document out of many. FinanceBench-style questions come in two sentences
    ("… in FY2018? Give a response …"): "Give" is no name. A run of Chinese or Japanese
    ends a name: "60赫兹电力通常的涡轮转速是多少" is the number 60, not a code."""
    out = []
    question = SPACELESS_RUN.sub(" ", question)
    for m in _NAME.finditer(question):
        w = m.group()
        plain = not any(c.isdigit() for c in w) and not w.isupper()
        if plain and _SENTENCE_START.search(question[: m.start()]):
            continue
        out.append(w)
    return out
