"""The names a question says pick the evidence: the table row and the documents they name.

The cross-encoder scores every row of a budget sheet alike ("Who owns the Sales budget?"), and
scores Intel's gross-margin paragraph above Apple's statement row for "the gross margin for
Apple"; the 1.5B model then answers from the wrong row or company. A name the question says —
a capitalised word, an acronym, a number or code, or a row's own label ("a support agent") —
that some candidates hold and others do not decides between them.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence

from sourcewise.core.answer.answerability import missing_names, question_names
from sourcewise.core.text.language import latin_script, question_language

NAMED_GAP = 20.0  # how far below the best an unnamed candidate drops: past any margin
_PROPER = re.compile(r"^[A-Z][a-z]{2,}")  # a capitalised word: a name, not an acronym or code


def prefer_named_rows(
    question: str,
    in_table: Sequence[Hashable | None],
    labels: Sequence[str],
    texts: Sequence[str],
    scores: Sequence[float],
) -> list[float]:
    """Within each table (``in_table``: its key per unit, None for prose), the rows holding
    the most of the question's names that pick rows out ("Sales", not a column every row
    has) take the best score of any unit; its other rows drop below the margin. A row's label
    (``labels``, lower case) said in the question picks it as a name does. A question over a
    whole table names no row ("the smallest budget"); one that does is about that row ("the
    total revenue from iPhone sales")."""
    out = list(scores)
    if not out:
        return out
    # A named row rises to the best unit anywhere: the cross-encoder scores "iPhone | 39,669
    # | …" far below "iPhone net sales decreased …", which then filled the budget.
    top = max(out)
    asked = question.lower()
    names = {n.lower() for n in question_names(question)}
    for rows in _groups(in_table).values():
        said = {labels[k] for k in rows if len(labels[k]) > 3 and says(asked, labels[k])}
        held = [{n for n in names | said if says(texts[k].lower(), n)} for k in rows]
        picking = {n for n in names | said if 0 < sum(n in h for h in held) < len(rows)}
        if not picking:
            continue
        most = max(len(h & picking) for h in held)
        best = max(out[k] for k in rows)
        for k, h in zip(rows, held, strict=True):
            out[k] = max(best, top) if len(h & picking) == most else min(out[k], best - NAMED_GAP)
    return out


def prefer_named_documents(
    question: str,
    document: Sequence[int],
    about: Sequence[tuple[str, str]],
    scores: Sequence[float],
) -> list[float]:
    """An English question naming a company, person or place: the units of documents
    (``document``: an index into ``about``) that do not name it drop below the margin when
    other documents do. ``about`` holds per document what names it (title, file name and
    headings) and what its retrieved passages say, in lower case; the names are looked for
    in the first, then in both: Intel's 10-Q mentions Apple, but only Apple's is headed
    "Apple Inc."."""
    out = list(scores)
    if not out or question_language(question) is not None or not latin_script(question):
        return out  # German capitalises every noun; other scripts have no capitals
    names = [n.lower() for n in question_names(question) if _PROPER.match(n)]
    held, picking = _holding(names, [name for name, _ in about])
    if not picking:
        held, picking = _holding(names, [f"{name}\n{text}" for name, text in about])
    if not picking:
        return out
    most = max(len(h & picking) for h in held)
    top = max(out)
    return [s if len(held[i] & picking) == most else min(s, top - NAMED_GAP)
            for i, s in zip(document, out, strict=True)]  # fmt: skip


def _holding(names: list[str], texts: list[str]) -> tuple[list[set[str]], set[str]]:
    """The names each text holds, and those that some texts hold and others do not."""
    held = [{n for n in names if says(text, n)} for text in texts]
    return held, {n for n in names if 0 < sum(n in h for h in held) < len(texts)}


def names_a_cell(question: str, evidence: str) -> bool:
    """Whether the evidence shows a table cell the question names by its row and its column:
    "How much did Marketing spend in Q2?" over "Quarter: Q2; Marketing: 118200; …". The answer
    is then in front of the model; the model's own yes/no (0.61 there) is not needed. A
    statement row needs only its label ("Gross margin — Three Months Ended …: 36,413"), a
    metric computed from the statements its name. Not when a name of the question is missing
    from the evidence (a year, a company)."""
    if missing_names(question, evidence):
        return False
    asked = question.lower()
    for line in evidence.lower().splitlines():
        if line.startswith(_NAMED_FIGURES):  # the rows of the line items it names, read
            return True
        computed = _COMPUTED.match(line)  # a metric it names, computed from the statements
        if computed and says(asked, computed.group(1)):
            return True
        label, sep, rest = line.partition(" — ")
        if sep and len(label) > 3 and ": " in rest and says(asked, label.strip()):
            return True
        pairs = [p.partition(": ") for p in line.split("; ")]
        if len(pairs) < 2 or not all(sep for _, sep, _ in pairs):
            continue
        row, columns = pairs[0][2].strip(), [h.strip() for h, _, v in pairs[1:] if v.strip()]
        if row and says(asked, row) and any(len(h) > 1 and says(asked, h) for h in columns):
            return True
    return False


_COMPUTED = re.compile(r"computed from the statements(?: \([^)]*\))?: (.+?) = ")
_NAMED_FIGURES = "from the statements: "  # named_figures.line: "…: Total net sales (…) = …; …"


def says(text: str, name: str) -> bool:
    """Whether ``text`` holds ``name`` as a whole word or phrase (both lower case)."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def _groups(keys: Sequence[Hashable | None]) -> dict[Hashable, list[int]]:
    out: dict[Hashable, list[int]] = {}
    for k, key in enumerate(keys):
        if key is not None:
            out.setdefault(key, []).append(k)
    return out
