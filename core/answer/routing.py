"""Which way to answer: from the top passages, or by reading whole documents.

"How long are backups kept?" is answered by one passage; "summarize this report", "list every
deadline in these minutes" and "what changed between version 2 and 3 of the manual" are not:
top-k would answer them from a fragment without saying so. The rule is lexical (a summary cue,
a list-all cue, a comparison cue) plus a target: whole-document reading needs a document to
read — the chat's scope, documents the question names, or "this report" (the best match). It
is measured on a labelled set of questions (bench/routing.py, docs/benchmarks.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["answer", "summary", "list", "compare"]

_DOC = r"(?:document|report|file|paper|article|manual|memo|minutes|book|chapter|handbook|guide|policy|contract|notes|pdf|deck|presentation|thesis|letter|transcript|text)"
_SUMMARY = re.compile(
    r"\b(?:summar(?:y|ies|ise|ize|ising|izing)|overview|outline|gist|tl;?dr|recap|synopsis|"
    r"(?:main|key|major) (?:points?|ideas?|findings?|arguments?|takeaways?|messages?|themes?|topics?|conclusions?)|"
    r"what (?:are|were) the (?:\w+ )?(?:conclusions|findings|outcomes|takeaways|highlights|recommendations)|"
    rf"what (?:is|'s) (?:this|the|that) (?:\w+ )?{_DOC} about|"
    # "what does the handbook say about remote work" asks about one topic: passages.
    rf"what (?:does|do) (?:this|the|these) (?:\w+ )?{_DOC}s? (?:say|cover|discuss)(?!\s+(?:about|on|regarding))|"
    rf"(?:describe|explain) (?:this|the) (?:\w+ )?{_DOC})\b",
    re.I,
)
_LIST = re.compile(
    r"^\s*(?:please\s+)?(?:list|enumerate|itemi[sz]e)\b|"
    r"\b(?:can|could|would|will) you (?:please )?(?:list|enumerate|name all|name every)\b|"
    r"\b(?:list|enumerate) (?:all|every|each|the)\b|"
    r"\b(?:what|which) (?:are|were) all\b|\ball (?:of )?the\b|"
    r"\b(?:which|what) \w+s (?:are|were) (?:mentioned|named|listed|recorded|given|set|cited)\b|"
    r"\b(?:every|all|each of the)\s+(?!of\b)\w+s?\b(?:\s+\w+)?\s+(?:in|from|of|across|mentioned|listed|that|which)\b|"
    r"\bevery (?!one\b|time\b|day\b|year\b|how\b|other\b|so\b|now\b)\w+",
    re.I,
)
_ASKS_TO_LIST = re.compile(
    r"\b(?:can|could|would|will) you (?:please )?(?:list|enumerate|name)\b", re.I
)
_YES_NO = re.compile(r"^\s*(?:does|do|is|are|can|must|should|will|did|was|were|has|have)\b", re.I)
# "how did X change" asks for a fact; these ask to set two documents side by side.
_COMPARE = re.compile(
    r"\b(?:compare|comparison|contrast|versus|vs\.?|differences? between|differ(?:s)? from|"
    r"what (?:has )?changed|changes? between|what is new in)\b",
    re.I,
)
_DEICTIC = re.compile(rf"\b(?:this|that|the attached|the whole|the entire) (?:\w+ )?{_DOC}\b", re.I)


# What a list question asks for once its cue and its document are gone: "List every action
# item in the meeting notes" scores the sentence "Actions" at -6.4 with the cross-encoder,
# "action item" at -0.6.
_LIST_CUE = re.compile(
    r"^\s*(?:please\s+)?(?:(?:can|could|would|will) you\s+)?(?:please\s+)?"
    r"(?:list|enumerate|itemi[sz]e|name|give(?: me)?|show(?: me)?|find|what are|which are|"
    r"what were|which were)?\s*(?:all|every|each)?\s*(?:of\s+)?(?:the\s+)?",
    re.I,
)
_IN_DOCUMENT = re.compile(
    rf"\s+(?:in|from|of|across|mentioned in|listed in)\s+(?:this|the|these|that)\s+(?:\w+\s+)?{_DOC}s?\b.*$",
    re.I,
)


def list_topic(question: str) -> str:
    """The thing a list question enumerates ("every deadline in these minutes" -> "deadline");
    the question itself when nothing would be left."""
    topic = _IN_DOCUMENT.sub("", _LIST_CUE.sub("", question.strip(), count=1)).strip(" ?.!")
    topic = re.sub(
        r"\s+(?:are|were|is|was)$", "", re.sub(r"^(?:which|what)\s+", "", topic, flags=re.I)
    )
    return topic if len(topic) > 2 else question


@dataclass(frozen=True)
class Route:
    mode: str  # the answer mode's name (sourcewise.core.answer.modes): passages, document...
    kind: Kind
    reason: str
    targets: tuple[str, ...] = ()  # the documents a whole-document route reads


def kind_of(question: str) -> Kind:
    """What the question asks for, from its wording alone."""
    if _SUMMARY.search(question):
        return "summary"
    if _COMPARE.search(question):
        return "compare"
    if _LIST.search(question) and (_ASKS_TO_LIST.search(question) or not _YES_NO.match(question)):
        return "list"
    return "answer"


def points_at_a_document(question: str) -> bool:
    """ "this report", "the whole manual": one document is meant, though unnamed."""
    return bool(_DEICTIC.search(question))


def decide(kind: Kind, targets: int, forced: str = "auto") -> Route:
    """The mode for a question of ``kind`` with ``targets`` documents to read (from the scope
    or the question); ``forced`` is the user's choice (reading.mode or --mode)."""
    if forced == "passages":
        return Route("passages", kind, "passages were asked for")
    if forced == "document":
        if targets:
            return Route("document", kind, "whole-document reading was asked for")
        return Route("passages", kind, "no document to read whole: scope the question to one")
    if kind == "answer":
        return Route("passages", kind, "a question one passage can answer")
    if kind == "compare":
        if targets >= 2:
            return Route("document", kind, "a comparison of two documents")
        return Route("passages", kind, "a comparison without two documents to read")
    if targets:
        return Route("document", kind, f"a {kind} question about a whole document")
    return Route("passages", kind, f"a {kind} question with no document in scope")
