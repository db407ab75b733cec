"""A statement figure or metric as the evidence: worked out from the rows of the tables of the
top passages, it is the only thing the model reads (:func:`with_figure`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sourcewise.core.answer import (
    breakdowns,
    formulas,
    line_items,
    named_figures,
    ratios,
    table_view,
    tables,
)
from sourcewise.core.answer.table_view import TableView
from sourcewise.core.answer.units import Evidence, Unit
from sourcewise.core.types import SearchHit

_FOUND = ("Computed from the statements", "From the statements")  # how its lines begin
_METRIC_DOCUMENTS = 2  # documents whose statements may work out a metric, best evidence first


def with_figure(
    question: str,
    hits: Sequence[SearchHit],
    per_hit: list[list[Unit]],
    evidence: list[Evidence],
) -> list[Evidence]:
    """A ratio the question asks for, computed from the rows of every table of the top
    passages (an operand's row need not be a chosen unit), or the one statement figure it
    asks for, read from its row: the passage that holds it, with that line first and the
    rows it came from, is then the only evidence. Beside Apple's "Services 21,213 / Total net
    sales 81,797 = 25.9%" the 1.5B model still answered from another source's "Services |
    70.5%" (a gross-margin percentage)."""
    if broken := breakdowns.asked(question):
        # "The revenue breakdown across its service offerings": the parts, not the total.
        parts = _with_named(question, hits, per_hit, evidence, broken)
        if parts is not evidence:
            return parts
    formula = formulas.defined(question)
    ratio = None if formula else ratios.asked(question)
    if formula is None and ratio is None and not ratios.asks_figure(question):
        return _with_named(question, hits, per_hit, evidence)
    # The best evidence's document: a figure of another (a distractor's table) is none the
    # question asks for. A metric may be worked out from the next one's statements, when it is
    # among the passages: a growth "compared with the same period of 2022" can find the 2022
    # report first, whose columns end in 2022.
    documents = list(dict.fromkeys(ev.hit.document_id for ev in evidence))
    tried = documents[: _METRIC_DOCUMENTS if formula or ratio else 1]
    found, worked = None, False
    for document in tried:
        rows = _document_rows(question, hits, per_hit, document)
        found, worked = _worked_out(question, formula, ratio, rows)
        if found is not None:
            break
    if found is None:
        return evidence
    line, used = found
    i = used[0].table[0]
    # A ratio keeps its passage's other units (what the figures are); one figure only its row:
    # beside "Net income (loss) = 1,473 million" and the rest of Intel's statement, the model
    # wrote "$1,356 million".
    own = next((ev.text for ev in evidence if ev.hit is hits[i]), "") if worked else ""
    shown = [ratios.shown(r) for r in used if f"{r.label} — " not in own]
    if formula is not None and worked:
        # Its workings name every figure used: beside "Total current assets — …: 142,995" the
        # model gave that for Amazon's working capital of -2,219.
        own, shown = "", []
    top = max((ev.score for ev in evidence), default=0.0)
    return [Evidence(hits[i], "\n".join([line, *shown, own]).strip(), top)]


def _with_named(
    question: str,
    hits: Sequence[SearchHit],
    per_hit: list[list[Unit]],
    evidence: list[Evidence],
    broken: str = "",
) -> list[Evidence]:
    """``evidence`` with the figures of the line items the question names, read from the best
    evidence's document, first (:mod:`named_figures`), or the parts of the figure it asks to
    be ``broken`` down (:mod:`breakdowns`); the passages stay for the why. ``evidence`` itself
    when there are none."""
    if not evidence:
        return evidence
    rows = _document_rows(
        question, hits, per_hit, evidence[0].hit.document_id, sections=bool(broken)
    )
    if broken:
        found = breakdowns.line(question, broken, rows, lambda row: hits[row.table[0]].text)
    else:
        found = named_figures.line(question, rows)
    if found is None:
        return evidence
    text, used = found
    hit = hits[used[0].table[0]]
    own = next((ev for ev in evidence if ev.hit is hit), None)
    top = max(ev.score for ev in evidence)
    first = Evidence(hit, f"{text}\n{own.text}" if own else text, top)
    return [first, *(ev for ev in evidence if ev is not own)]


def _document_rows(
    question: str,
    hits: Sequence[SearchHit],
    per_hit: list[list[Unit]],
    document: int | None,
    *,
    sections: bool = False,
) -> list[line_items.Row]:
    return [row for i, units in enumerate(per_hit) if hits[i].document_id == document
            for header, shown in _views(question, hits[i], units).items()
            for row in _rows(shown, [u for u in units if u.header == header], (i, *header),
                             sections)]  # fmt: skip


def _rows(
    shown: TableView, units: list[Unit], table: tuple[int, int, int], sections: bool = False
) -> list[line_items.Row]:
    """A table's rows, each label after the section it stands in ("Non-current assets:
    Marketable securities"): Apple lists marketable securities under current and non-current
    assets, and a quick ratio counts only the first. With ``sections``, a label alone on its
    row opens a section without a colon too ("International", then its "Net sales"): a
    segment table's parts are its sections."""
    rows, section = [], ""
    for u in units:
        cells = tables.cells(u.text)
        alone = bool(cells and cells[0].strip()) and not any(c.strip() for c in cells[1:])
        if alone and (sections or cells[0].rstrip().endswith(":")):
            section = cells[0].strip()
            section += "" if section.endswith(":") else ":"
            continue
        row = table_view.row_figures(shown, cells, table)
        if row.values:
            label = f"{section} {row.label}" if section and ":" not in row.label else row.label
            rows.append(replace(row, label=label))
    return rows


def _worked_out(
    question: str,
    formula: formulas.Formula | None,
    ratio: ratios.Ratio | None,
    rows: list[line_items.Row],
) -> tuple[tuple[str, list[line_items.Row]] | None, bool]:
    """A metric's computed line (True) or one figure's line (False), and the rows used. A
    metric the question only names is read from a row of that name first: a company's own
    "Free cash flow" is what a reader asking for it means."""
    if formula is not None and formula.named:
        found = ratios.look_up(question, rows)
        # Only a row of the metric's own name: "Use operating income and depreciation" names
        # a row too, and Amazon's EBITDA came back as its operating income.
        if found is not None and formula.name in line_items.own_label(found[1][0].label):
            return found, False
    if formula is not None:
        return formulas.evaluate(question, formula, rows), True
    if ratio is not None:
        return ratios.compute(question, ratio, rows), True
    return ratios.look_up(question, rows), False


def _views(question: str, hit: SearchHit, units: list[Unit]) -> dict[tuple[int, int], TableView]:
    headers = dict.fromkeys(u.header for u in units if u.header is not None)
    return {h: table_view.view(question, hit, h) for h in headers}


def is_statement_figure(evidence_text: str) -> bool:
    """Whether evidence is a figure :func:`with_figure` read from the row the question names
    (or a metric worked out from such rows)."""
    return evidence_text.startswith(_FOUND)
