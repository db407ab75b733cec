"""Deterministic benchmark corpora, generated offline: SciFact abstracts as text files, long
report-like PDFs (PyMuPDF) and a large folder of small text files.

Every generator is seeded, so two runs (and two systems) index byte-identical inputs.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pymupdf

SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "data" / "scifact" / "corpus.jsonl"

# -- a small plausible-prose generator -------------------------------------------------------------
_NOUNS = [
    "revenue",
    "margin",
    "customer",
    "supplier",
    "contract",
    "region",
    "segment",
    "product",
    "service",
    "platform",
    "network",
    "market",
    "forecast",
    "budget",
    "expense",
    "investment",
    "asset",
    "liability",
    "reserve",
    "policy",
    "programme",
    "initiative",
    "workforce",
    "employee",
    "manager",
    "board",
    "committee",
    "shareholder",
    "dividend",
    "facility",
    "plant",
    "warehouse",
    "inventory",
    "shipment",
    "logistics",
    "channel",
    "partner",
    "agreement",
    "licence",
    "subscription",
    "tariff",
    "regulation",
    "audit",
    "control",
    "risk",
    "exposure",
    "incident",
    "outage",
    "release",
    "version",
    "roadmap",
    "milestone",
    "objective",
    "target",
    "indicator",
    "metric",
    "baseline",
    "benchmark",
    "survey",
    "sample",
    "cohort",
    "trial",
    "study",
    "outcome",
    "analysis",
    "model",
    "estimate",
    "scenario",
    "assumption",
    "sensitivity",
    "variance",
    "trend",
    "quarter",
    "year",
    "period",
    "portfolio",
    "division",
    "subsidiary",
    "headquarters",
    "office",
    "site",
    "region",
    "country",
    "territory",
    "province",
    "emission",
    "energy",
    "consumption",
    "efficiency",
    "capacity",
    "utilisation",
    "throughput",
    "backlog",
    "pipeline",
    "order",
    "price",
    "volume",
    "mix",
    "cost",
    "overhead",
    "saving",
    "synergy",
    "integration",
    "acquisition",
    "disposal",
    "restructuring",
    "provision",
    "impairment",
    "depreciation",
    "amortisation",
    "cash",
    "flow",
    "liquidity",
    "debt",
    "covenant",
    "rating",
    "procurement",
    "quality",
    "safety",
    "compliance",
    "governance",
    "disclosure",
    "framework",
    "standard",
    "requirement",
    "infrastructure",
    "datacentre",
    "software",
    "hardware",
    "component",
    "module",
    "interface",
    "integration",
    "upgrade",
    "migration",
    "maintenance",
    "support",
    "ticket",
    "request",
    "complaint",
    "feedback",
    "satisfaction",
    "retention",
    "churn",
    "demand",
    "supply",
    "shortage",
    "surplus",
    "index",
    "inflation",
    "currency",
    "exchange",
    "rate",
    "hedge",
    "derivative",
]
_VERBS = [
    "increased",
    "decreased",
    "improved",
    "reduced",
    "exceeded",
    "missed",
    "delivered",
    "launched",
    "completed",
    "expanded",
    "consolidated",
    "stabilised",
    "accelerated",
    "delayed",
    "postponed",
    "approved",
    "reviewed",
    "assessed",
    "monitored",
    "reported",
    "disclosed",
    "identified",
    "mitigated",
    "addressed",
    "resolved",
    "strengthened",
    "weakened",
    "offset",
    "supported",
    "drove",
    "constrained",
    "affected",
    "reflected",
    "outperformed",
    "underperformed",
    "recovered",
    "declined",
    "rose",
    "fell",
    "doubled",
    "halved",
    "maintained",
    "extended",
    "renewed",
    "terminated",
    "negotiated",
    "secured",
    "allocated",
    "invested",
    "divested",
    "acquired",
    "integrated",
    "restructured",
    "migrated",
    "automated",
    "standardised",
    "simplified",
    "prioritised",
]
_ADJS = [
    "significant",
    "moderate",
    "modest",
    "substantial",
    "considerable",
    "marginal",
    "strong",
    "weak",
    "stable",
    "volatile",
    "robust",
    "resilient",
    "favourable",
    "unfavourable",
    "higher",
    "lower",
    "operational",
    "strategic",
    "financial",
    "regulatory",
    "environmental",
    "commercial",
    "technical",
    "organic",
    "inorganic",
    "recurring",
    "non-recurring",
    "underlying",
    "adjusted",
    "reported",
    "comparable",
    "regional",
    "global",
    "domestic",
    "international",
    "structural",
    "cyclical",
    "seasonal",
    "temporary",
    "permanent",
    "material",
    "immaterial",
    "critical",
    "preliminary",
    "final",
    "annual",
    "quarterly",
    "monthly",
    "cumulative",
    "incremental",
    "aggregate",
    "net",
    "gross",
]
_ADVS = [
    "notably",
    "primarily",
    "largely",
    "partly",
    "slightly",
    "sharply",
    "steadily",
    "gradually",
    "broadly",
    "consistently",
    "materially",
    "further",
    "subsequently",
    "accordingly",
]
_CONNECT = ["However", "In addition", "As a result", "Consequently", "Meanwhile", "In contrast",
            "Furthermore", "Overall", "At the same time", "Looking ahead", "In particular",
            "By comparison"]  # fmt: skip
_REGIONS = ["North America", "Europe", "Asia Pacific", "Latin America", "Middle East", "Africa"]
_COMPANIES = ["Northwind Holdings", "Contoso Group", "Fabrikam Industries", "Tailspin Systems",
              "Litware Energy", "Adatum Logistics", "Wingtip Partners", "Proseware Labs"]  # fmt: skip
_SECTIONS = ["Executive Summary", "Market Overview", "Financial Performance", "Operations",
             "Risk Management", "Sustainability", "Governance", "Technology and Innovation",
             "Human Capital", "Outlook", "Segment Review", "Capital Allocation",
             "Regulatory Developments", "Supply Chain", "Customer Experience"]  # fmt: skip


class Prose:
    """Seeded random sentences that read like a business report (no network, no model)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def _np(self) -> str:
        r = self.rng
        words = [r.choice(_ADJS)] if r.random() < 0.6 else []
        words += [r.choice(_NOUNS) for _ in range(r.choice((1, 1, 2)))]
        return ("the " if r.random() < 0.7 else "") + " ".join(words)

    def sentence(self) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.3:
            s = f"{self._np()} {r.choice(_VERBS)} by {r.uniform(0.5, 38):.1f}% compared with {self._np()}"
        elif kind < 0.55:
            s = (f"{self._np()} in {r.choice(_REGIONS)} {r.choice(_VERBS)} {r.choice(_ADVS)}, "
                 f"which {r.choice(_VERBS)} {self._np()}")  # fmt: skip
        elif kind < 0.75:
            s = (f"management {r.choice(_VERBS)} {self._np()} and {r.choice(_VERBS)} {self._np()} "
                 f"during the {r.choice(('first', 'second', 'third', 'fourth'))} quarter of "
                 f"{r.randint(2015, 2024)}")  # fmt: skip
        else:
            s = (f"{self._np()} {r.choice(_VERBS)} {self._np()}, reaching "
                 f"{r.randint(2, 950):,} million in {self._np()}")  # fmt: skip
        if r.random() < 0.25:
            s = f"{r.choice(_CONNECT).strip()}, {s}"
        return s[0].upper() + s[1:] + "."

    def paragraph(self, lo: int = 3, hi: int = 8) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def title(self) -> str:
        words = [self.rng.choice(_ADJS), self.rng.choice(_NOUNS), self.rng.choice(_NOUNS)]
        return " ".join(w.capitalize() for w in words)


# -- SciFact --------------------------------------------------------------------------------------
def write_scifact(dest: Path, limit: int | None = None, source: Path = SCIFACT) -> int:
    """One ``<id>.txt`` per abstract, "title\\n\\ntext"; returns the number of files."""
    dest.mkdir(parents=True, exist_ok=True)
    n = 0
    with source.open(encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and n >= limit:
                break
            row = json.loads(line)
            text = f"{row.get('title', '').strip()}\n\n{row['text'].strip()}\n"
            (dest / f"{row['_id']}.txt").write_text(text, encoding="utf-8")
            n += 1
    return n


# -- report-like PDFs --------------------------------------------------------------------------------
_W, _H = 595.0, 842.0
_LEFT, _RIGHT, _TOP, _BOTTOM = 64.0, 531.0, 70.0, 780.0
_BODY_SIZE, _LEADING = 10.0, 1.3


@dataclass(frozen=True)
class _Item:
    kind: str  # heading1, heading2, para, table
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def _report_items(prose: Prose) -> Iterator[_Item]:
    """An endless stream of sections: numbered headings, paragraphs, occasional tables."""
    r = prose.rng
    section = 0
    while True:
        section += 1
        yield _Item("heading1", f"{section}. {r.choice(_SECTIONS)}")
        for sub in range(1, r.randint(2, 4) + 1):
            yield _Item("heading2", f"{section}.{sub} {prose.title()}")
            for _ in range(r.randint(2, 6)):
                yield _Item("para", prose.paragraph())
                if r.random() < 0.18:
                    yield _table(prose, section, sub)


def _table(prose: Prose, section: int, sub: int) -> _Item:
    r = prose.rng
    metric = r.choice(("Revenue", "Operating cost", "Headcount", "Orders", "Capex", "Emissions"))
    header = ("Region", "Q1", "Q2", "Q3", "Q4", "FY", "Change")
    rows = [header]
    for region in r.sample(_REGIONS, r.randint(3, 6)):
        qs = [r.randint(40, 900) for _ in range(4)]
        rows.append((region, *map(str, qs), str(sum(qs)), f"{r.uniform(-15, 25):+.1f}%"))
    title = f"Table {section}.{sub}: {metric} by region (EUR million)"
    return _Item("table", title, tuple(rows))


class _Layout:
    """Line-by-line layout with PyMuPDF TextWriters (one write per page: fast)."""

    def __init__(self, pages: int, title: str, company: str) -> None:
        self.doc = pymupdf.open()
        self.pages, self.title, self.company = pages, title, company
        self.helv, self.bold = pymupdf.Font("helv"), pymupdf.Font("hebo")
        self._widths: dict[tuple[str, str], float] = {}
        self.page: pymupdf.Page | None = None
        self.tw: pymupdf.TextWriter | None = None
        self.y = _TOP
        self.number = 0

    @property
    def full(self) -> bool:
        return self.number >= self.pages and self.page is None

    def width(self, text: str, size: float, bold: bool = False) -> float:
        font = self.bold if bold else self.helv
        key = "b" if bold else "r"
        total = 0.0
        for ch in text:
            w = self._widths.get((key, ch))
            if w is None:
                w = self._widths[(key, ch)] = font.text_length(ch, fontsize=1.0)
            total += w
        return total * size

    def new_page(self) -> bool:
        self.finish_page()
        if self.number >= self.pages:
            return False
        self.number += 1
        self.page = self.doc.new_page(width=_W, height=_H)
        self.tw = pymupdf.TextWriter(self.page.rect)
        self.text(_LEFT, 40, f"{self.title} | Confidential", 8)
        self.text(_LEFT, 815, f"{self.company}   Page {self.number} of {self.pages}", 8)
        self.y = _TOP
        return True

    def finish_page(self) -> None:
        if self.page is not None and self.tw is not None:
            self.tw.write_text(self.page)
        self.page, self.tw = None, None

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
        assert self.tw is not None
        self.tw.append((x, y), text, font=self.bold if bold else self.helv, fontsize=size)

    def room(self, height: float) -> bool:
        """Make sure ``height`` fits, starting a page if needed; False once the PDF is full."""
        if self.page is None or self.y + height > _BOTTOM:
            return self.new_page()
        return True

    def wrap(self, text: str, size: float) -> list[str]:
        lines, line, width = [], [], 0.0
        space = self.width(" ", size)
        limit = _RIGHT - _LEFT
        for word in text.split():
            w = self.width(word, size)
            if line and width + space + w > limit:
                lines.append(" ".join(line))
                line, width = [], 0.0
            width += (space if line else 0.0) + w
            line.append(word)
        if line:
            lines.append(" ".join(line))
        return lines

    def place(self, item: _Item) -> bool:
        if item.kind in ("heading1", "heading2"):
            size = 16.0 if item.kind == "heading1" else 12.5
            if not self.room(size * 5):  # keep a heading with some text after it
                return False
            self.y += size * (1.0 if item.kind == "heading1" else 0.6)
            self.text(_LEFT, self.y + size, item.text, size, bold=True)
            self.y += size * 1.9
            return True
        if item.kind == "table":
            if not self.room(20 + 14 * len(item.rows) + 10):
                return False
            self.text(_LEFT, self.y + 10, item.text, 9, bold=True)
            self.y += 18
            cols = (0, 110, 170, 230, 290, 350, 415)
            for i, row in enumerate(item.rows):
                for dx, cell in zip(cols, row, strict=True):
                    self.text(_LEFT + dx, self.y + 9, cell, 9, bold=i == 0)
                if i == 0 and self.page is not None:
                    self.page.draw_line((_LEFT, self.y + 12), (_RIGHT, self.y + 12), width=0.5)
                self.y += 14
            self.y += 10
            return True
        step = _BODY_SIZE * _LEADING
        for line in self.wrap(item.text, _BODY_SIZE):  # paragraphs run on across pages
            if not self.room(step):
                return False
            self.text(_LEFT, self.y + _BODY_SIZE, line, _BODY_SIZE)
            self.y += step
        self.y += 6
        return True


def make_report_pdf(path: Path, pages: int, seed: int) -> int:
    """A ``pages``-page report: running head and folio on every page (furniture a parser
    should drop), numbered headings, paragraphs running across page breaks, text tables."""
    prose = Prose(seed)
    company = prose.rng.choice(_COMPANIES)
    title = f"{company} Annual Report {2015 + seed % 10}"
    layout = _Layout(pages, title, company)
    for item in _report_items(prose):
        if not layout.place(item):
            break
    layout.finish_page()
    layout.doc.set_metadata({"title": title, "author": company})
    layout.doc.save(path, garbage=1, deflate=True)
    layout.doc.close()
    return pages


def write_pdfs(dest: Path, count: int, pages: int, seed: int = 7) -> int:
    """``count`` report PDFs of ``pages`` pages; returns the total page count."""
    dest.mkdir(parents=True, exist_ok=True)
    return sum(make_report_pdf(dest / f"report-{i:03d}.pdf", pages, seed + i) for i in range(count))


# -- many small text files ---------------------------------------------------------------------------
def write_small_files(dest: Path, count: int, seed: int = 11, per_folder: int = 100) -> list[Path]:
    """``count`` short notes (1-3 paragraphs) in folders of ``per_folder``; returns the paths."""
    prose = Prose(seed)
    paths = []
    for i in range(count):
        folder = dest / f"folder-{i // per_folder:03d}"
        if i % per_folder == 0:
            folder.mkdir(parents=True, exist_ok=True)
        body = "\n\n".join(prose.paragraph(2, 5) for _ in range(prose.rng.randint(1, 3)))
        path = folder / f"note-{i:05d}.txt"
        path.write_text(f"Note {i}: {prose.title()}\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


def change_content(path: Path, seed: int = 99) -> None:
    """Append a new paragraph (size and mtime change, so the file must be re-indexed)."""
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n" + Prose(seed).paragraph() + "\n")
