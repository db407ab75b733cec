"""The content of a question, without the instructions around it.

Analyst questions come wrapped in instructions: "Answer the following question as if you are an
equity research analyst ... by primarily using the cash flow statement ... round to two decimal
places." Few of those words are about the content, and in a keyword or embedding query they
outweigh the ones that are. Retrieval searches with what is left once role-play, formatting,
rounding and unit instructions are taken out; the answer step still reads the whole question.

A statement the question names ("using the cash flow statement", "from the balance sheet") is
kept as a hint: the statement's own title words ("statements of cash flows") join the query,
since that is how the statement's pages are headed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Clauses that only tell the answerer how to behave or format (one sentence or clause each).
_INSTRUCTION_CLAUSES = [
    r"answer the following(?: question)?[^.?!:]*",
    r"(?:please )?(?:answer|respond|reply)(?: this| the question)? (?:as if|as though|like)[^.?!]*",
    r"(?:imagine|pretend|assume) (?:that )?you(?:'re| are)[^.?!]*",
    r"you are (?:an?|the) [^.?!]*?(?:analyst|expert|assistant|advisor|accountant|investor)[^.?!]*",
    r"(?:and )?(?:you )?(?:have|has) lost (?:your )?internet[^.?!]*",
    r"(?:please )?round(?:ed)? (?:your answer |the answer |it |all numbers |figures )?"
    r"to (?:the nearest |\w+ )?(?:decimal places?|decimals?|digits?|whole number|"
    r"integer|percent|cent|thousand|million|billion)s?",
    r"(?:please )?(?:express|report|give|provide|state|show)(?: your| the)? answers?"
    r"(?: in| as)[^.?!]*",
    r"(?:please )?answer in [^.?!]*",
    r"(?:please )?(?:do not|don't) (?:use|include|consider|show)[^.?!]*",
    r"(?:please )?show (?:your|the) (?:work|calculations?|steps)[^.?!]*",
    r"(?:please )?(?:be concise|keep (?:it|your answer) (?:short|brief))[^.?!]*",
    r"(?:in|into) (?:usd|eur|us\$|\$) ?(?:millions|billions|thousands)",
    r"(?:using|with) (?:the )?information (?:provided|given|stated)[^.?!,]*",
    r"base (?:your|the) (?:judge?ments?|answers?|calculations?) on[^.?!]*",
    r"calculate (?:what|the answer|it) (?:was|is|as) asked[^.?!]*",
    r"(?:think|reason|work) (?:step by step|it through)[^.?!]*",
]
_INSTRUCTION = re.compile(r"\b(?:" + "|".join(_INSTRUCTION_CLAUSES) + r")", re.I)
# "by primarily using the cash flow statement", "based on its balance sheet": a statement hint.
_STATEMENT_REFERENCE = re.compile(
    r"\b(?:(?:by )?(?:primarily |mainly |only )?(?:using|use|referring to|refer to|based on|"
    r"according to|from|per|in|on)\s+)?(?:the |its |their |\w+'s )?"
    r"(?P<name>cash ?flows? statements?|statements? of cash flows?|income statements?|"
    r"statements? of (?:operations|income|earnings)|p&l(?: statements?)?|profit and loss"
    r"(?: statements?)?|balance sheets?|statements? of financial position|"
    r"statements? of (?:comprehensive income|stockholders'? equity|shareholders'? equity))",
    re.I,
)
_STATEMENT_TITLES = {
    "cash": "statements of cash flows",
    "income": "statements of operations income",
    "operations": "statements of operations income",
    "earnings": "statements of operations income",
    "p&l": "statements of operations income",
    "profit": "statements of operations income",
    "balance": "balance sheets",
    "financial": "balance sheets",
    "comprehensive": "statements of comprehensive income",
    "stockholders": "statements of stockholders equity",
    "shareholders": "statements of stockholders equity",
}
_SPACES = re.compile(r"\s+")
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;:]?\s*\)|\[\s*\]")
_LOOSE_PUNCT = re.compile(r"\s+([,.?!;:])|([,;:])(?=\s*[.?!]|\s*$)|^[\s,;:.]+")


@dataclass(frozen=True)
class ContentQuery:
    text: str  # what retrieval searches with
    statement: str = ""  # the financial statement named, by its title words ("balance sheets")


def content_query(question: str) -> ContentQuery:
    """The question's content for retrieval, and the statement it names, if any."""
    titles = [_statement_title(m.group("name")) for m in _STATEMENT_REFERENCE.finditer(question)]
    statement = " ".join(dict.fromkeys(t for t in titles if t))
    text = _INSTRUCTION.sub(" ", question)
    if statement:
        text = _STATEMENT_REFERENCE.sub(" ", text)
    text = _tidy(text)
    if len(re.findall(r"\w+", text)) < 2:  # only instructions: keep the question as it is
        return ContentQuery(question, statement)
    return ContentQuery(f"{text} {statement}".strip() if statement else text, statement)


def _statement_title(name: str) -> str:
    words = re.findall(r"[\w&]+", name.lower())
    for word in words:
        if word in {"statement", "statements", "of"}:
            continue
        if word in _STATEMENT_TITLES:
            return _STATEMENT_TITLES[word]
    return ""


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", _EMPTY_BRACKETS.sub(" ", text))
    for _ in range(2):
        text = _LOOSE_PUNCT.sub(lambda m: m.group(1) or "", text)
    text = re.sub(r"([.?!])\s*(?:[.,;:]\s*)+", r"\1 ", text)
    return text.strip(" ,;:")
