"""Evidence selection: the sentences (or table rows) of the top passages that answer the question.

A small model reads a prompt at ~160 tokens/s on 2 cores, and answers worse the more it reads
(issue 11: 8 full passages 0.36, 3 passages 0.44). So the prompt gets only the units that the
cross-encoder scores highest against the question, each with its neighbour for context, within
a token budget. Units are sentences of prose and rows of tables (a table row keeps its header,
which is what makes "4.8" mean "rating").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from sourcewise.core.answer import names, tables
from sourcewise.core.answer.lexical import shared_text_scores
from sourcewise.core.answer.statement_evidence import with_figure
from sourcewise.core.answer.table_view import TableView, header_cells, table_start
from sourcewise.core.answer.units import Evidence, Unit, split_units
from sourcewise.core.retrieve.rerank import Reranker
from sourcewise.core.text.language import latin_script
from sourcewise.core.text.words import WORD as _WORD
from sourcewise.core.text.words import word_count
from sourcewise.core.types import SearchHit

__all__ = ["Evidence", "EvidenceSelector", "Unit", "split_units"]

TokenCounter = Callable[[str], int]

_MIN_WORDS = 3  # shorter fragments ("Page 4.") are never evidence on their own, unless
_KEY_VALUE = re.compile(r"^\s*(?:[-*•]\s*)?[^\W\d][^:：]{0,40}[:：]\s*\S")  # "- Port: 5433"
_MAX_UNITS = 64  # cross-encoder pairs per question (~0.3 s on 2 cores for short units)
_SEPARATOR = " … "
_SHORT_PASSAGE_TOKENS = 256  # a note, an invoice, an FAQ entry (~180 words): read whole when best


class EvidenceSelector:
    """Picks the best units of the top passages within ``budget_tokens``."""

    def __init__(
        self,
        reranker: Reranker | None,
        count_tokens: TokenCounter,
        *,
        budget_tokens: int,
        margin: float,
    ) -> None:
        self.reranker = reranker
        self.count_tokens = count_tokens
        self.budget_tokens = budget_tokens
        self.margin = margin  # units scoring this far below the best are left out

    def select(self, question: str, hits: Sequence[SearchHit]) -> list[Evidence]:
        per_hit = [split_units(h.text) for h in hits]
        flat = [(i, j) for i, units in enumerate(per_hit) for j in range(len(units))]
        flat = [(i, j) for i, j in flat if _evidence_sized(per_hit[i][j].text)] or flat
        flat = flat[:_MAX_UNITS]
        if not flat:
            return []
        texts = [_scored_text(hits[i], per_hit[i][j]) for i, j in flat]
        scores = _named(question, hits, per_hit, flat, texts, self._score(question, texts))
        scored = sorted(zip(flat, scores, strict=True), key=lambda x: -x[1])
        chosen = self._choose(scored, per_hit)
        whole = _read_tables_whole(question, hits, per_hit, chosen)
        evidence = self._evidence(
            question, hits, per_hit, chosen, dict(zip(flat, scores, strict=True))
        )
        evidence = [self._with_aggregates(question, ev, whole) for ev in evidence]
        return with_figure(question, hits, per_hit, evidence)

    def _score(self, question: str, texts: list[str]) -> list[float]:
        if self.reranker is not None and latin_script(question):
            return [float(s) for s in self.reranker.score(question, texts)]
        return shared_text_scores(question, texts)  # pieces of words, pairs of CJK characters

    def _with_aggregates(
        self, question: str, ev: Evidence, whole: dict[int, list[str]]
    ) -> Evidence:
        """The aggregate the question asks for, computed over the tables read whole; scored
        as a unit of its own (no row of a sheet states "the smallest budget", the computed
        line does, and the retrieval gate reads the best unit)."""
        facts = []
        for text in whole.get(id(ev.hit), []):
            table = tables.parse(text)
            facts.append(tables.aggregates(question, table) if table is not None else "")
        found = "\n".join(f for f in facts if f)
        if not found:
            return ev
        score = max(ev.score, self._score(question, [found])[0])
        return replace(ev, text=f"{found}\n{ev.text}", score=score)  # first: read before rows

    def _choose(
        self, scored: list[tuple[tuple[int, int], float]], per_hit: list[list[Unit]]
    ) -> dict[int, set[int]]:
        """Greedy by score: each unit with the one before it (the subject a pronoun refers to,
        the row to compare), the best sentence and any question or lead-in with the one after
        (a table row's header is shown with it); the best unit's passage whole when short (a
        scanned invoice: its header scored 6.4, "Payment due by 15 August 2025" -1.9, past the
        margin); stop at the budget or below the margin."""
        best = scored[0][1]
        chosen: dict[int, set[int]] = {}
        used = 0
        for (i, j), score in scored:
            if chosen and score < best - self.margin:
                break
            # A table row comes with the row above too: beside "Software engineer: 3", "Support
            # agent: 2" read as the role's own number, where alone under the prose rule ("up
            # to three days") the 1.5B model sampled the rule's number.
            want = [j] if j in chosen.get(i, set()) else [j, j - 1]
            lead_in = per_hit[i][j].text.rstrip().endswith(("?", ":"))
            first_prose = not chosen and per_hit[i][j].header is None
            if (lead_in or first_prose) and j + 1 < len(per_hit[i]):
                # A FAQ's question or a lead-in: its answer follows. So does, often, the best
                # sentence's: "Marco reported that the lease ... has been signed." scores
                # highest for "When will the office move?", "The committee approved the
                # move for 1 October 2025." comes next.
                want.insert(1, j + 1)
            if first_prose and self._short(per_hit[i]):  # its prose; named rows stay alone
                want += [k for k in range(len(per_hit[i])) if k not in want]
            for k in want:
                if k < 0 or k in chosen.get(i, set()):
                    continue
                unit = per_hit[i][k]
                if unit.header is not None and per_hit[i][j].header != unit.header:
                    continue
                cost = self.count_tokens(unit.text) + 2
                if used + cost > self.budget_tokens and chosen:
                    if k == j:
                        return chosen
                    continue
                chosen.setdefault(i, set()).add(k)
                used += cost
        return chosen

    def _short(self, units: list[Unit]) -> bool:
        return sum(self.count_tokens(u.text) for u in units) <= _SHORT_PASSAGE_TOKENS

    def _evidence(
        self,
        question: str,
        hits: Sequence[SearchHit],
        per_hit: list[list[Unit]],
        chosen: dict[int, set[int]],
        scores: dict[tuple[int, int], float],
    ) -> list[Evidence]:
        out = []
        for i, picked in chosen.items():
            units = [per_hit[i][k] for k in sorted(picked)]
            best_k = max(picked, key=lambda k: scores.get((i, k), float("-inf")))
            best_unit = per_hit[i][best_k]
            out.append(Evidence(hits[i], _render(question, hits[i], units),
                                scores.get((i, best_k), float("-inf")),
                                (best_unit.start, best_unit.end)))  # fmt: skip
        out.sort(key=lambda e: -e.score)
        return out


def _named(
    question: str,
    hits: Sequence[SearchHit],
    per_hit: list[list[Unit]],
    flat: list[tuple[int, int]],
    texts: list[str],
    scores: list[float],
) -> list[float]:
    """The scores, with the row and the documents the question names preferred (:mod:`names`)."""
    units = [per_hit[i][j] for i, j in flat]
    in_table = [(i, u.header) if u.header is not None else None
                for (i, _), u in zip(flat, units, strict=True)]  # fmt: skip
    labels = [_label(u) if u.header is not None else "" for u in units]
    scores = names.prefer_named_rows(question, in_table, labels, texts, scores)
    docs = list(dict.fromkeys(h.document_id for h in hits))  # passages of a document together
    about = [_about([h for h in hits if h.document_id == d]) for d in docs]
    doc_of = [docs.index(hits[i].document_id) for i, _ in flat]
    return names.prefer_named_documents(question, doc_of, about, scores)


def _label(unit: Unit) -> str:
    """A table row's first non-empty cell, lower-cased: what the row is about."""
    return next((c for c in tables.cells(unit.text) if c), "").lower()


def _about(passages: list[SearchHit]) -> tuple[str, str]:
    """What names a document (title, file name, headings) and what its passages say."""
    first = passages[0]
    name = "\n".join([first.document_title, first.path, *(h.heading for h in passages)])
    return name.lower(), "\n".join(h.text for h in passages).lower()


def _scored_text(hit: SearchHit, unit: Unit) -> str:
    """What the cross-encoder reads of a unit: a table row with its column names (a bare
    "| Support agent | 2 |" lost to the prose rule above the table), a key-value line under
    its heading ("Staging environment: Port: 5433")."""
    if unit.header is None:
        keyed = hit.heading and _KEY_VALUE.match(unit.text)
        return f"{hit.heading}: {unit.text.lstrip('-*• ')}" if keyed else unit.text
    return tables.row_text(header_cells(hit.text, unit.header), tables.cells(unit.text))


def _render(question: str, hit: SearchHit, units: list[Unit]) -> str:
    """Selected units in document order; a table's rows as :mod:`tables` shows them, after
    its column labels when it has no header row; a gap between non-adjacent units shown as an
    ellipsis."""
    passage = hit.text
    parts: list[str] = []
    tables_done: dict[tuple[int, int], TableView] = {}
    prev_end: int | None = None
    for u in units:
        if u.header is not None:
            if u.header not in tables_done:
                tables_done[u.header] = table_start(question, hit, u.header, parts)
            view = tables_done[u.header]
            if u.start != u.header[0]:  # a statement's first row is shown by _table_start
                row = tables.row_text(view.header, tables.cells(u.text), view.scale, view.columns)
                parts.append("\n" + row)
        elif parts and passage[max(0, u.start - 1) : u.start] == "\n":
            parts.append("\n" + u.text)  # a list item or key-value line stays a line
        elif prev_end is not None and passage[prev_end : u.start].strip():
            parts.append(_SEPARATOR + u.text)
        else:
            parts.append((" " if parts else "") + u.text)
        prev_end = u.end
    return "".join(parts).strip()


def _read_tables_whole(
    question: str, hits: Sequence[SearchHit], per_hit: list[list[Unit]], chosen: dict[int, set[int]]
) -> dict[int, list[str]]:
    """For a question over a whole table (smallest, total...), every row of each small table
    evidence came from joins the evidence; returns those tables' text by hit id."""
    if not tables.asks_aggregate(question):
        return {}
    whole: dict[int, list[str]] = {}
    for i, picked in chosen.items():
        for header in {per_hit[i][k].header for k in picked}:
            rows = [k for k, u in enumerate(per_hit[i]) if u.header == header]
            if header is None or len(rows) > tables.ROWS_READ_WHOLE:
                continue
            text = hits[i].text[header[0] : per_hit[i][rows[-1]].end] if rows else ""
            whole.setdefault(id(hits[i]), []).append(text)
            table = tables.parse(text)
            extremes = tables.extreme_rows(question, table) if table is not None else None
            if table is None or extremes is None or len(table.rows) != len(rows):
                picked.update(rows)
            else:  # only the rows with the smallest/largest value, beside the computed line
                picked.difference_update(rows)
                picked.update(rows[k] for k in extremes)
    return whole


def _evidence_sized(text: str) -> bool:
    return word_count(text, _WORD) >= _MIN_WORDS or bool(_KEY_VALUE.match(text))
