"""The one template every look-alike report follows (bench/lookalike_corpus.py lays it out).

Cover, contents, shared boilerplate, a letter or overview with highlights, MD&A narrative that
quotes this and last period's figures, ruled financial statements with a prior-period column,
notes, and seeded filler prose to the target page count. Every figure's pages are recorded:
``current`` (this period's value) and ``prior`` (last period's value, printed again here).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpora import _REGIONS, _SECTIONS, Prose
from _lookalike_layout import LEFT, RIGHT, Layout

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
ORDINALS = ("first", "second", "third", "fourth")
# (metric, label) rows of each statement; "net" is printed in two statements.
INCOME = (("revenue", "Revenue"), ("cost", "Cost of revenue"), ("gross", "Gross profit"),
          ("rnd", "Research and development"), ("sga", "Selling, general and administrative"),
          ("opinc", "Operating income"), ("interest", "Interest expense, net"),
          ("pretax", "Income before income taxes"), ("tax", "Provision for income taxes"),
          ("net", "Net income"), ("eps", "Diluted earnings per share"))  # fmt: skip
BALANCE = (("cash", "Cash and cash equivalents"), ("ar", "Accounts receivable, net"),
           ("inv", "Inventories"), ("tca", "Total current assets"),
           ("ppe", "Property and equipment, net"), ("goodwill", "Goodwill"),
           ("ta", "Total assets"), ("ap", "Accounts payable"), ("ltd", "Long-term debt"),
           ("tl", "Total liabilities"), ("equity", "Total shareholders' equity"))  # fmt: skip
CASHFLOW = (("net", "Net income"), ("da", "Depreciation and amortization"),
            ("ocf", "Net cash provided by operating activities"),
            ("capex", "Purchases of property and equipment"),
            ("acq", "Acquisitions, net of cash acquired"),
            ("icf", "Net cash used in investing activities"), ("div", "Dividends paid"),
            ("buyback", "Repurchases of common stock"))  # fmt: skip
OUTFLOWS = {"capex", "acq", "icf", "div", "buyback"}  # printed in parentheses


@dataclass(frozen=True)
class Company:
    name: str  # "Northwind Holdings"
    short: str  # "Northwind"
    segments: tuple[str, str, str]
    fy_end: int  # month the fiscal year ends (quarterly filers: 12)
    kind: str  # "annual" or "quarterly"


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int = 0  # 0: a fiscal year

    def prior(self) -> Period:
        return Period(self.year - 1, self.quarter)

    def column(self) -> str:
        return f"Q{self.quarter} {self.year}" if self.quarter else f"FY{self.year}"

    def end_date(self, fy_end: int) -> str:
        month = self.quarter * 3 if self.quarter else fy_end
        day = 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30
        return f"{MONTHS[month - 1]} {day}, {self.year}"

    def phrase(self) -> str:
        return (
            f"the {ORDINALS[self.quarter - 1]} quarter of {self.year}"
            if self.quarter
            else f"fiscal {self.year}"
        )


@dataclass
class Report:
    company: Company
    period: Period
    values: dict[str, float]
    prior: dict[str, float]
    pages: int  # target page count
    seed: int
    current: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    previous: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    @property
    def title(self) -> str:
        p = self.period
        return f"Quarterly Report Q{p.quarter} {p.year}" if p.quarter else f"Annual Report {p.year}"


def money(v: float) -> str:
    return f"{v:,.1f}"


def fmt(metric: str, v: float) -> str:
    """A figure as the statements print it (the answer string is this, without parentheses)."""
    if metric == "eps":
        return f"{v:.2f}"
    if metric.startswith("staff"):
        return f"{round(v):,}"
    if metric in OUTFLOWS:
        return "—" if v == 0 else f"({money(v)})"
    return money(v)


def answer(metric: str, v: float) -> str:
    return fmt(metric, v).strip("()")


@dataclass(frozen=True)
class Boilerplate:
    """Text repeated word for word in every report of a library."""

    forward: list[str]
    policies: list[tuple[str, str]]
    risks: list[tuple[str, str]]
    glossary: list[str]

    @classmethod
    def make(cls, seed: int) -> Boilerplate:
        p = Prose(seed)
        forward = ["This report contains forward-looking statements within the meaning of applicable "
                   "securities laws. Words such as anticipate, believe, expect, intend, plan and "
                   "similar expressions identify such statements. Actual results may differ "
                   "materially from those expressed or implied. The Company undertakes no obligation "
                   "to update any forward-looking statement."] + [p.paragraph(5, 8) for _ in range(4)]  # fmt: skip
        policies = [(t, p.paragraph(5, 9)) for t in ("Basis of presentation", "Use of estimates",
                    "Revenue recognition", "Leases", "Income taxes", "Goodwill and intangible assets")]  # fmt: skip
        risks = [(p.title(), p.paragraph(4, 8)) for _ in range(9)]
        glossary = [p.paragraph(2, 4) for _ in range(3)]
        return cls(forward, policies, risks, glossary)


def write_report(report: Report, boiler: Boilerplate, path: Path, metadata: dict[str, str]) -> int:
    """Lay the report out and save it; fills ``report.current`` / ``report.previous``."""
    c, p = report.company, report.period
    header = (c.name, report.title if not p.quarter else f"Form 10-Q · {p.column()}")
    footer = f"{c.name} | {report.title} | period ended {p.end_date(c.fy_end)}"
    lay = Layout(header, footer, report.pages)
    prose = Prose(report.seed)
    _cover(lay, report)
    lay.new_page()  # contents, written once the section pages are known
    toc: list[tuple[str, int]] = []

    def part(title: str, body: Callable[[], None]) -> None:
        toc.append((title, lay.new_page()))
        lay.heading(title)
        body()

    part("Forward-Looking Statements", lambda: [lay.paragraph(t) for t in boiler.forward])
    part(
        "Letter to Shareholders" if not p.quarter else "Overview",
        lambda: _letter(lay, prose, report),
    )
    _fill(lay, prose, round(report.pages * 0.3), toc)
    part("Management's Discussion and Analysis", lambda: _mdna(lay, prose, report))
    part("Risk Factors", lambda: [(lay.heading(t, 2), lay.paragraph(b)) for t, b in boiler.risks])
    _fill(lay, prose, round(report.pages * 0.5), toc)
    unit = "(in millions of US dollars)"
    for title, rows in (("Consolidated Statements of Income", INCOME),
                        ("Consolidated Balance Sheets", BALANCE),
                        ("Consolidated Statements of Cash Flows", CASHFLOW)):  # fmt: skip
        part(title, lambda t=title, r=rows: _statement(lay, report, t, r, unit))  # type: ignore[misc]
    part("Notes to the Financial Statements", lambda: _notes(lay, prose, report, boiler))
    _fill(lay, prose, report.pages - 1, toc)
    part("Glossary", lambda: [lay.paragraph(g) for g in boiler.glossary])
    _contents(lay, report, toc)
    return lay.save(str(path), metadata)


def _cover(lay: Layout, r: Report) -> None:
    c, p = r.company, r.period
    lay.new_page(furniture=False)
    lay.text(LEFT, 260, c.name, 30, bold=True)
    lay.text(LEFT, 310, r.title, 20)
    kind = "quarterly period" if p.quarter else "fiscal year"
    lay.text(LEFT, 345, f"For the {kind} ended {p.end_date(c.fy_end)}", 12)
    if p.quarter:
        lay.text(LEFT, 370, "Form 10-Q", 12, bold=True)


def _contents(lay: Layout, r: Report, toc: list[tuple[str, int]]) -> None:
    lines = [(LEFT, 110.0, "Contents", 15.0, True)]
    for i, (title, page) in enumerate(toc):
        y = 150.0 + i * 20
        lines += [(LEFT, y, title, 10.0, False), (RIGHT - 20, y, str(page), 10.0, False)]
    lay.write_on(2, lines)


def _change(cur: float, prev: float) -> str:
    return f"{(cur - prev) / abs(prev) * 100:+.1f}%" if prev else "n/m"


def _letter(lay: Layout, prose: Prose, r: Report) -> None:
    for _ in range(prose.rng.randint(2, 4)):
        lay.paragraph(prose.paragraph(4, 7))
    if r.period.quarter:
        return
    rows = [("Financial highlights", r.period.column(), r.period.prior().column(), "Change")]
    for m, label in (("revenue", "Revenue"), ("opinc", "Operating income"), ("net", "Net income"),
                     ("eps", "Diluted earnings per share")):  # fmt: skip
        rows.append(
            (label, fmt(m, r.values[m]), fmt(m, r.prior[m]), _change(r.values[m], r.prior[m]))
        )
    page = lay.table("Financial highlights (in millions of US dollars)", rows, (0.4, 0.2, 0.2, 0.2))
    _record(r, ("revenue", "opinc", "net", "eps"), page)


def _record(r: Report, metrics: tuple[str, ...], *pages: int) -> None:
    for m in metrics:
        r.current[m].update(pages)
        r.previous[m].update(pages)


def _mdna(lay: Layout, prose: Prose, r: Report) -> None:
    pp, prev = r.period.phrase(), r.period.prior().phrase()
    lay.heading("Results of operations", 2)
    for m, what in (("revenue", "Revenue"), ("opinc", "Operating income"), ("net", "Net income")):
        cur, old = r.values[m], r.prior[m]
        trend = "an increase" if cur >= old else "a decrease"
        text = (f"{what} for {pp} was ${money(cur)} million, compared with ${money(old)} million "
                f"in {prev}, {trend} of {abs(cur - old) / abs(old) * 100:.1f}%. {prose.sentence()}")  # fmt: skip
        _record(r, (m,), *lay.paragraph(text, keep=True))
    rows = [("Segment revenue", r.period.column(), r.period.prior().column(), "Change")]
    for i, seg in enumerate(r.company.segments):
        m = f"seg{i}"
        rows.append((seg, money(r.values[m]), money(r.prior[m]), _change(r.values[m], r.prior[m])))
    rows.append(("Total revenue", money(r.values["revenue"]), money(r.prior["revenue"]),
                 _change(r.values["revenue"], r.prior["revenue"])))  # fmt: skip
    page = lay.table("Revenue by segment (in millions of US dollars)", rows, (0.4, 0.2, 0.2, 0.2))
    _record(r, ("seg0", "seg1", "seg2", "revenue"), page)
    lay.paragraph(prose.paragraph(3, 6))
    lay.heading("Liquidity and capital resources", 2)
    text = (f"Net cash provided by operating activities was ${money(r.values['ocf'])} million in "
            f"{pp}, compared with ${money(r.prior['ocf'])} million in {prev}. Capital expenditure "
            f"(purchases of property and equipment) totalled ${money(r.values['capex'])} million, "
            f"against ${money(r.prior['capex'])} million a year earlier. At the end of the period, "
            f"cash and cash equivalents were ${money(r.values['cash'])} million.")  # fmt: skip
    pages = lay.paragraph(text, keep=True)
    _record(r, ("ocf", "capex"), *pages)
    r.current["cash"].update(pages)
    lay.paragraph(prose.paragraph(3, 6))


def _statement(
    lay: Layout, r: Report, title: str, rows: tuple[tuple[str, str], ...], unit: str
) -> None:
    table = [(unit, r.period.column(), r.period.prior().column())]
    table += [(label, fmt(m, r.values[m]), fmt(m, r.prior[m])) for m, label in rows]
    end = r.period.end_date(r.company.fy_end).split(",")[0]
    span = "Three months ended" if r.period.quarter else "Fiscal years ended"
    page = lay.table(f"{span} {end}", table, (0.56, 0.22, 0.22))
    _record(r, tuple(m for m, _ in rows), page)
    lay.paragraph(
        "The accompanying notes are an integral part of these consolidated financial statements."
    )


def _notes(lay: Layout, prose: Prose, r: Report, boiler: Boilerplate) -> None:
    for n, (title, body) in enumerate(boiler.policies, 1):
        lay.heading(f"Note {n}. {title}", 2)
        lay.paragraph(body)
    n = len(boiler.policies) + 1
    lay.heading(f"Note {n}. Employees", 2)
    lay.paragraph(prose.paragraph(2, 4))
    rows = [("Region", r.period.column(), r.period.prior().column())]
    for i, region in enumerate(_REGIONS[:4]):
        rows.append(
            (
                region,
                fmt(f"staff{i}", r.values[f"staff{i}"]),
                fmt(f"staff{i}", r.prior[f"staff{i}"]),
            )
        )
    rows.append(
        ("Total employees", fmt("staff", r.values["staff"]), fmt("staff", r.prior["staff"]))
    )
    page = lay.table("Employees at the end of the period, by region", rows, (0.5, 0.25, 0.25))
    _record(r, ("staff",), page)
    lay.heading(f"Note {n + 1}. Debt", 2)
    lay.paragraph(prose.paragraph(3, 6))


def _fill(lay: Layout, prose: Prose, until: int, toc: list[tuple[str, int]]) -> None:
    """Seeded sections of prose (and the odd distractor table) until page ``until`` is used."""
    rng = prose.rng
    while lay.number < until:
        title = rng.choice(_SECTIONS)
        toc.append((title, lay.new_page()))
        lay.heading(title)
        for sub in range(rng.randint(2, 4)):
            if lay.number >= until:
                break
            lay.heading(prose.title(), 2)
            for _ in range(rng.randint(2, 5)):
                lay.paragraph(prose.paragraph())
            if rng.random() < 0.3:
                _distractor(lay, prose, sub)


def _distractor(lay: Layout, prose: Prose, sub: int) -> None:
    rng = prose.rng
    metric = rng.choice(("Orders", "Operating cost", "Backlog", "Emissions (kt CO2e)", "Capacity"))
    rows = [("Region", "Q1", "Q2", "Q3", "Q4", "Total")]
    for region in rng.sample(_REGIONS, rng.randint(3, 5)):
        qs = [rng.randint(20, 900) for _ in range(4)]
        rows.append((region, *map(str, qs), str(sum(qs))))
    lay.table(f"{metric} by region, table {sub + 1}", rows, (0.3, 0.14, 0.14, 0.14, 0.14, 0.14))
