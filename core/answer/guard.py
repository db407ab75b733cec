"""Degenerate generations from small models, detected so the answerer can recover.

Seen on the bundled 0.5B model (issue 11): the prompt's source blocks echoed back ("[1]
procurement-policy.docx — Quotes …"), bare markers ("[1] [2] [3]"), a fact followed by "The
documents do not cover it", and loops that run to the token limit. The checks are cheap string
tests, run on the opening of the stream (echo, markers only) and on the whole answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sourcewise.core.answer import citations as cit
from sourcewise.core.text.language import asks_for_something
from sourcewise.core.text.words import WORD, word_count

DECLINE = re.compile(
    r"(?:documents?|sources?|context|passages?|texts?)\s+(?:do(?:es)?n['’]?t|do(?:es)? not)\s+"
    r"(?:cover|contain|mention|provide|say|state|include|specify|answer)|"
    r"\bnot (?:mentioned|covered|provided|specified|stated) in\b|\bno information\b|"
    r"\bcannot (?:find|answer|be answered)\b|\bis not (?:given|known|stated)\b|"
    r"\b(?:i|we) (?:do not|don['’]?t) know\b",
    re.I,
)  # the one definition of a decline: the answerer, evaluation and the benches all use it
OPENING_CHARS = 60  # the stream is held back at most this long, to catch an echo before it shows
# How a decline, a source dump or a heading opens: a reply that starts so is held back up to
# OPENING_CHARS; any other is shown once its first word rules these out ("The da…" is not
# "The documents"), so a short answer streams from its second token instead of its last.
_RISKY_OPENINGS = (
    "the document", "the source", "the passage", "the context", "the text", "the provided",
    "the given", "the answer", "the question", "the information", "documents", "sources",
    "source", "passage", "context", "based on", "according to", "there is no", "there are no",
    "no ", "none", "not ", "i ", "i'", "we ", "it is not", "this is not", "cannot", "unfortunately",
    "sorry", "answer", "question", "note",
)  # fmt: skip
_NGRAM = 6


def is_decline(text: str) -> bool:
    return bool(DECLINE.search(text))


def undecided(text: str, labels: Sequence[str]) -> bool:
    """Whether the opening of a reply could still become an echo of the source headers, bare
    markers or a decline, so it must be held back a little longer."""
    flat = " ".join(text.split()).lower()
    if len(flat) >= OPENING_CHARS:
        return False
    if not flat or not flat[0].isalnum():
        return True  # "[1]…", "**…", "#…"
    if word_count(flat) < 2 and " " not in flat:
        return True  # one word that may still go on ("The" → "The documents")
    names = [_label_name(label) for label in labels]
    return any(r.startswith(flat) or flat.startswith(r) for r in (*_RISKY_OPENINGS, *names) if r)


def _label_name(label: str) -> str:
    """A source header's file or document name, lower-cased ("[2] fleet.pdf, page 4" →
    "fleet.pdf")."""
    head = " ".join(label.split()).lower()
    return head.split("]", 1)[-1].strip().split(",")[0].split(" — ")[0].strip()


def echoes_sources(text: str, labels: Sequence[str]) -> bool:
    """The reply copies a source header ("[1] report.pdf, page 4") instead of answering."""
    flat = " ".join(text.split()).lower()
    for label in labels:
        head = " ".join(label.split()).lower()
        name = _label_name(label)
        if head[:40] in flat or (name and re.match(rf"^\W*\[\d+\]\s*{re.escape(name)}", flat)):
            return True
    return False


def markers_only(text: str) -> bool:
    """Nothing but citation markers and punctuation ("[1] [2] [3]"). One word or figure is an
    answer: "36,413 [1]" for a gross margin, "Lateinisch [1]" for a language."""
    return not re.search(r"\w", cit.strip_markers(text))


# Scripts written without spaces between words: compared character by character.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def restates_question(text: str, question: str) -> bool:
    """A reply that only says the question back, with no word the question does not have:
    "Luther nannte die Messe anstelle von Opfer [1]." to "Wie nannte Luther die Messe anstelle
    von Opfer?" (XQuAD tune half: the 1.5B model did so in German and in Arabic). Only for a
    question that asks who, what, when … : a yes/no question may be answered in its own words."""
    if not asks_for_something(question):
        return False
    said = cit.strip_markers(text)
    if _UNSPACED.search(said):
        mine = {c for c in said if c.isalnum()}
        theirs = {c for c in question if c.isalnum()}
    else:
        mine = {_folded(w) for w in WORD.findall(said)}
        theirs = {_folded(w) for w in WORD.findall(question)}
    return bool(mine) and mine <= theirs


# Arabic writes its article and a joined conjunction or preposition as part of the word, and
# alef with or without its hamza: "الإضطرابات" said back is the question's "اضطرابات".
_ALEF = str.maketrans("أإآ", "ااا")
_ARABIC_ARTICLE = re.compile(r"^[وفبكل]?(?:ال|لل)(?=\w{2})")


_STEM = 6  # letters of a word compared: "disclosed" says the question's "disclose" back


def _folded(word: str) -> str:
    return _ARABIC_ARTICLE.sub("", word.lower().translate(_ALEF))[:_STEM]


_DOUBLED_SCALE = re.compile(r"\b(thousand|million|billion)(?:\s+(?:in\s+)?\1s?)+\b", re.I)


def undouble_scale(text: str) -> str:
    """A scale said twice ("12,831 million million", "1,200 million in millions") said once:
    the 1.5B model copies a figure with its scale from evidence that says "= 12,831 million"
    and adds the scale, or the table's "in millions", again."""
    return _DOUBLED_SCALE.sub(r"\1", text)


def cut_repetition(text: str) -> str:
    """The answer up to where it starts repeating itself (a sentence or a 6-word run again)."""
    sentences = cit.split_sentences(text)
    seen: set[str] = set()
    out: list[str] = []
    for sentence, _ in sentences:
        key = " ".join(sentence.lower().split())
        if key in seen:
            break
        seen.add(key)
        out.append(sentence)
    if len(out) < len(sentences):
        return _prefix_through(text, out[-1]) if out else text
    return _cut_ngram_loop(text)


def repeating(text: str) -> bool:
    """True once the stream is looping, so generation can stop early."""
    return cut_repetition(text) != text


def drop_contradiction(text: str) -> str:
    """A fact stated with a citation and then "the documents do not cover it": the decline is
    the part that is wrong (the cited fact came from a source), so it is removed."""
    sentences = cit.split_sentences(text)
    cited = [s for s, nums in sentences if nums and not is_decline(s)]
    declines = [s for s, _ in sentences if is_decline(s)]
    if not cited or not declines:
        return text
    out = text
    for sentence in declines:
        out = _remove_sentence(out, sentence)
    return out.strip()


def _remove_sentence(text: str, sentence: str) -> str:
    found = cit.locate(text, sentence)
    return text[: found.start()].rstrip() + " " + text[found.end() :] if found else text


def _prefix_through(text: str, sentence: str) -> str:
    """``text`` up to and including ``sentence`` (and its markers)."""
    found = cit.locate(text, sentence)
    return text[: found.end()] if found else text


def _cut_ngram_loop(text: str) -> str:
    words = text.split()
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - _NGRAM + 1):
        gram = tuple(w.lower() for w in words[i : i + _NGRAM])
        if gram in seen and i - seen[gram] >= _NGRAM:
            return " ".join(words[:i])
        seen.setdefault(gram, i)
    return text
