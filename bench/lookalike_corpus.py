"""A seeded library of look-alike report PDFs and questions that name company and period.

    python bench/lookalike_corpus.py --out DIR --seed N [--companies 5 --periods 8]
        [--pool dev|eval] [--per-report 6] [--pages 30-40]

Several fictional companies, each with a run of annual reports (FY) or quarterly filings
(10-Q), all laid out from one template (bench/_lookalike_report.py): cover, running header and
footer naming company and period, page numbers, the same boilerplate in every report, ruled
tables with a prior-period column (so each figure is printed in two reports: its own and the
next period's). Writes DIR/*.pdf, DIR/questions.jsonl (question, answer string, gold document
and pages, and ``also_in``: where the figure is printed again as a prior-period column) and
DIR/library.json. The two pools hold disjoint company names: dev for tuning, eval for the
held-out measurement.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import zlib
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _lookalike_report import (
    ORDINALS,
    Boilerplate,
    Company,
    Period,
    Report,
    answer,
    write_report,
)

_SEGMENTS = {
    "industrial": ("Automation", "Components", "Field Services"),
    "software": ("Cloud Platform", "Licences", "Consulting"),
    "energy": ("Upstream", "Renewables", "Trading"),
    "logistics": ("Freight", "Warehousing", "Parcel"),
    "consumer": ("Beverages", "Snacks", "Household"),
    "health": ("Diagnostics", "Devices", "Pharmaceuticals"),
    "media": ("Publishing", "Digital Media", "Events"),
    "finance": ("Retail Banking", "Wealth Management", "Payments"),
}
POOLS = {
    "dev": [("Northwind Holdings", "Northwind", "consumer"), ("Acme Corporation", "Acme", "industrial"),
            ("Contoso Group", "Contoso", "software"), ("Fabrikam Industries", "Fabrikam", "industrial"),
            ("Tailspin Systems", "Tailspin", "software"), ("Litware Energy", "Litware", "energy"),
            ("Globex Corporation", "Globex", "logistics"), ("Initech Inc.", "Initech", "finance")],
    "eval": [("Adatum Logistics", "Adatum", "logistics"), ("Woodgrove Financial", "Woodgrove", "finance"),
             ("Proseware Labs", "Proseware", "health"), ("Lucerne Publishing", "Lucerne", "media"),
             ("Wingtip Partners", "Wingtip", "consumer"), ("Coho Energy", "Coho", "energy"),
             ("Trey Research", "Trey", "health"), ("Alpine Devices", "Alpine", "industrial")],
}  # fmt: skip
_ANNUAL_NAMES = ("{slug}_{y}_annual_report.pdf", "{SLUG}-AR-{y}.pdf", "{y}-{slug}-annual-report.pdf",
                 "{Short} Annual Report {y}.pdf", "{slug}_{y}_10k.pdf")  # fmt: skip
_QUARTER_NAMES = ("{slug}_q{q}_{y}_10q.pdf", "{SLUG}-{y}Q{q}.pdf", "{slug}-10-Q-{y}-q{q}.pdf",
                  "{Short} 10-Q Q{q} {y}.pdf", "{slug}_{y}_q{q}.pdf")  # fmt: skip
QUESTIONS = {
    "revenue": ("What was {co}'s total revenue in {p}?", "{P} revenue for {co}",
                "How much revenue did {co} report for {p}?"),
    "capex": ("What was {co}'s capital expenditure in {p}?",
              "How much did {co} spend on purchases of property and equipment in {p}?", "{co} capex {p}"),
    "net": ("What was {co}'s net income for {p}?", "{co} {p} net income",
            "How much profit did {co} make in {p}?"),
    "opinc": ("What was {co}'s operating income in {p}?", "{co} income from operations, {p}"),
    "rnd": ("How much did {co} spend on research and development in {p}?", "{co} R&D expense {p}"),
    "cash": ("How much cash and cash equivalents did {co} hold at the end of {p}?",
             "{co} cash balance at the end of {p}"),
    "ta": ("What were {co}'s total assets at the end of {p}?", "Total assets of {co}, {p}"),
    "ltd": ("What was {co}'s long-term debt at the end of {p}?", "{co} long-term debt {p}"),
    "ocf": ("What was {co}'s operating cash flow in {p}?",
            "Net cash provided by operating activities for {co} in {p}"),
    "div": ("How much did {co} pay in dividends in {p}?", "{co} dividends paid {p}"),
    "eps": ("What were {co}'s diluted earnings per share for {p}?", "{co} diluted EPS {p}"),
    "gross": ("What was {co}'s gross profit in {p}?", "{P} gross profit at {co}"),
    "staff": ("How many employees did {co} have at the end of {p}?", "{co} headcount {p}"),
    "seg": ("What revenue did {co}'s {seg} segment generate in {p}?", "{P} {seg} segment revenue at {co}"),
}  # fmt: skip


def _seed(*parts: object) -> int:
    return zlib.crc32("/".join(map(str, parts)).encode())


def companies(pool: str, count: int, seed: int) -> list[Company]:
    rng = random.Random(seed)
    names = POOLS[pool][:]
    if count > len(names):
        raise SystemExit(f"the {pool} pool has {len(names)} companies; asked for {count}")
    rng.shuffle(names)
    out = []
    for i, (name, short, sector) in enumerate(names[:count]):
        kind = "annual" if i % 2 == 0 else "quarterly"
        fy_end = rng.choice((12, 12, 6, 9, 3)) if kind == "annual" else 12
        out.append(Company(name, short, _SEGMENTS[sector], fy_end, kind))
    return out


def periods(company: Company, count: int, seed: int) -> list[Period]:
    """``count`` consecutive periods (years, or quarters), preceded by one prior year of figures."""
    rng = random.Random(_seed(seed, company.name, "periods"))
    if company.kind == "annual":
        start = rng.randint(2012, 2016)
        return [Period(start + i) for i in range(count)]
    start = rng.randint(2018, 2020)
    return [Period(start + i // 4, i % 4 + 1) for i in range(count)]


def figures(company: Company, years: range, seed: int) -> dict[Period, dict[str, float]]:
    """Seeded financials for every fiscal year in ``years`` and each of its quarters."""
    rng = random.Random(_seed(seed, company.name, "figures"))
    rev, staff_per_m = rng.uniform(600, 6000), rng.uniform(1.8, 3.2)
    shares, goodwill = rng.uniform(80, 900), rng.uniform(0.1, 0.4)
    mix = [rng.uniform(0.2, 0.5) for _ in range(3)]
    out: dict[Period, dict[str, float]] = {}
    for year in years:
        rev *= 1 + rng.gauss(0.06, 0.08)
        mix = [m * rng.uniform(0.92, 1.08) for m in mix]
        for q, share in ((0, 1.0), (1, 0.23), (2, 0.24), (3, 0.25), (4, 0.28)):
            out[Period(year, q)] = _statements(rng, rev, share * rng.uniform(0.95, 1.05) if q else 1.0,
                                               [m / sum(mix) for m in mix], shares, goodwill, staff_per_m)  # fmt: skip
    return out


def _statements(rng: random.Random, year_rev: float, f: float, mix: list[float], shares: float,
                goodwill: float, staff_per_m: float) -> dict[str, float]:  # fmt: skip
    u = rng.uniform
    v: dict[str, float] = {"revenue": year_rev * f}
    v["cost"] = v["revenue"] * u(0.42, 0.62)
    v["gross"] = v["revenue"] - v["cost"]
    v["rnd"], v["sga"] = v["revenue"] * u(0.04, 0.11), v["revenue"] * u(0.11, 0.18)
    v["opinc"] = v["gross"] - v["rnd"] - v["sga"]
    v["ltd"] = year_rev * u(0.2, 0.45)
    v["interest"] = v["ltd"] * u(0.03, 0.06) * f
    v["pretax"] = v["opinc"] - v["interest"]
    v["tax"] = v["pretax"] * u(0.18, 0.26)
    v["net"] = v["pretax"] - v["tax"]
    v["eps"] = v["net"] / shares
    v["cash"], v["ar"], v["inv"] = (
        year_rev * u(0.08, 0.22),
        year_rev * u(0.1, 0.17),
        year_rev * u(0.05, 0.14),
    )
    v["tca"] = v["cash"] + v["ar"] + v["inv"] + year_rev * u(0.02, 0.05)
    v["ppe"], v["goodwill"] = year_rev * u(0.3, 0.6), year_rev * goodwill
    v["ta"] = v["tca"] + v["ppe"] + v["goodwill"] + year_rev * u(0.05, 0.1)
    v["ap"] = year_rev * u(0.06, 0.1)
    v["tl"] = v["ap"] + v["ltd"] + v["ta"] * u(0.08, 0.15)
    v["equity"] = v["ta"] - v["tl"]
    v["da"] = v["ppe"] * u(0.08, 0.12) * f
    v["ocf"] = v["net"] + v["da"] + v["revenue"] * u(-0.01, 0.04)
    v["capex"] = v["revenue"] * u(0.04, 0.09)
    v["acq"] = v["revenue"] * u(0.02, 0.1) if rng.random() < 0.3 else 0.0
    v["icf"] = v["capex"] + v["acq"] - v["revenue"] * u(0.0, 0.01)
    v["div"], v["buyback"] = v["net"] * u(0.2, 0.4), v["revenue"] * u(0.0, 0.03)
    for i, share in enumerate(mix):
        v[f"seg{i}"] = v["revenue"] * share
    v["staff"] = 0.0
    for i, share in enumerate((0.4, 0.3, 0.2, 0.1)):
        v[f"staff{i}"] = float(round(year_rev * staff_per_m * share * u(0.9, 1.1)))
        v["staff"] += v[f"staff{i}"]
    return v


def file_name(company: Company, period: Period, style: int) -> str:
    slug = company.short.lower()
    names = _QUARTER_NAMES if period.quarter else _ANNUAL_NAMES
    return names[style % len(names)].format(slug=slug, SLUG=slug.upper(), Short=company.short,
                                            y=period.year, q=period.quarter)  # fmt: skip


def period_phrase(period: Period, company: Company, rng: random.Random) -> str:
    y, q = period.year, period.quarter
    if q:
        forms = [f"Q{q} {y}", f"the {ORDINALS[q - 1]} quarter of {y}", f"Q{q} FY{y}",
                 f"the quarter ended {period.end_date(12)}", f"{ORDINALS[q - 1]} quarter {y}"]  # fmt: skip
    else:
        forms = [f"fiscal {y}", f"FY{y}", f"FY {y}", f"fiscal year {y}", f"{y}",
                 f"the fiscal year ended {period.end_date(company.fy_end)}"]  # fmt: skip
    return rng.choice(forms)


def make_questions(
    reports: list[tuple[str, Report]], per_report: int, seed: int
) -> list[dict[str, Any]]:
    rng = random.Random(_seed(seed, "questions"))
    by_key = {(r.company.name, r.period): (name, r) for name, r in reports}
    out: list[dict[str, Any]] = []
    for name, r in reports:
        nxt = by_key.get((r.company.name, Period(r.period.year + 1, r.period.quarter)))
        for kind in rng.sample(sorted(QUESTIONS), per_report):
            metric = f"seg{rng.randrange(3)}" if kind == "seg" else kind
            p = period_phrase(r.period, r.company, rng)
            co = rng.choice((r.company.short, r.company.short, r.company.name))
            text = (
                rng.choice(QUESTIONS[kind])
                .format(
                    co=co,
                    p=p,
                    P=p[0].upper() + p[1:],
                    seg=r.company.segments[int(metric[-1])] if kind == "seg" else "",
                )
                .replace("s's ", "s' ")
            )
            also = [{"doc": nxt[0], "pages": sorted(nxt[1].previous[metric])}] if nxt else []
            out.append({"id": f"q{len(out) + 1:04d}", "question": text, "answer": answer(metric, r.values[metric]),
                        "doc": name, "pages": sorted(r.current[metric]), "company": r.company.name,
                        "period": r.period.column(), "metric": metric, "also_in": also})  # fmt: skip
    return out


def verify(out: Path, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep only the gold (and also-in) pages whose text really holds the answer string."""
    texts: dict[tuple[str, int], str] = {}

    def text(doc: str, page: int) -> str:
        if (doc, page) not in texts:
            with pymupdf.open(out / doc) as pdf:
                for i, pg in enumerate(pdf, 1):
                    texts[(doc, i)] = pg.get_text()
        return texts[(doc, page)]

    for q in questions:
        q["pages"] = [p for p in q["pages"] if q["answer"] in text(q["doc"], p)]
        if not q["pages"]:
            raise RuntimeError(f"no gold page holds {q['answer']!r} for {q['question']!r}")
        for also in q["also_in"]:
            also["pages"] = [p for p in also["pages"] if q["answer"] in text(also["doc"], p)]
    return questions


def generate(out: Path, seed: int, n_companies: int = 5, n_periods: int = 8, pool: str = "dev",
             per_report: int = 6, pages: tuple[int, int] = (30, 40), long_reports: int = 2) -> dict[str, Any]:  # fmt: skip
    """Write the library into ``out``; returns its manifest (also written as library.json)."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    boiler = Boilerplate.make(seed)
    reports: list[tuple[str, Report]] = []
    docs: list[dict[str, Any]] = []
    for company in companies(pool, n_companies, seed):
        runs = periods(company, n_periods, seed)
        values = figures(company, range(runs[0].year - 1, runs[-1].year + 1), seed)
        style, titled = rng.randrange(5), rng.random() < 0.6
        for period in runs:
            report = Report(company, period, values[period], values[period.prior()],
                            rng.randint(*pages), _seed(seed, company.name, period))  # fmt: skip
            name = file_name(company, period, style)
            meta = {
                "title": f"{company.name} {report.title}" if titled else "",
                "author": company.name,
            }
            count = write_report(report, boiler, out / name, meta)
            reports.append((name, report))
            docs.append({"file": name, "company": company.name, "period": period.column(),
                         "kind": company.kind, "pages": count})  # fmt: skip
    for i in rng.sample(range(len(reports)), min(long_reports, len(reports))):
        name, r = reports[i]  # a few long reports (up to 150 pages), as real libraries have
        r.pages = rng.randint(90, 150)
        r.current.clear()
        r.previous.clear()
        docs[i]["pages"] = write_report(
            r, boiler, out / name, {"title": "", "author": r.company.name}
        )
    questions = verify(out, make_questions(reports, per_report, seed))
    with (out / "questions.jsonl").open("w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps(q) + "\n")
    manifest = {"seed": seed, "pool": pool, "documents": docs, "questions": len(questions),
                "companies": [asdict(c) for c in companies(pool, n_companies, seed)]}  # fmt: skip
    (out / "library.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--companies", type=int, default=5)
    ap.add_argument("--periods", type=int, default=8)
    ap.add_argument("--pool", choices=sorted(POOLS), default="dev")
    ap.add_argument("--per-report", type=int, default=6, help="questions per report")
    ap.add_argument("--pages", default="30-40", help="page range of a report, lo-hi")
    ap.add_argument("--long", type=int, default=2, help="reports made 90-150 pages long")
    args = ap.parse_args()
    lo, hi = (int(x) for x in args.pages.split("-"))
    m = generate(args.out, args.seed, args.companies, args.periods, args.pool, args.per_report,
                 (lo, hi), args.long)  # fmt: skip
    pages = sum(d["pages"] for d in m["documents"])
    print(f"{len(m['documents'])} reports, {pages} pages, {m['questions']} questions -> {args.out}")


if __name__ == "__main__":
    main()
