"""Analysts' concepts and the statement line items they are computed from.

A question asks for "capital expenditure" or the "quick ratio"; the page that answers it lists
"Purchases of property and equipment" or "Total current assets" and "Inventories". A small,
curated vocabulary (standard US GAAP and IFRS line items, not any one company's wording) adds
those line items' words to the keyword query, so that the statement page matches at all.
Expansion adds words, it never removes any.
"""

from __future__ import annotations

import re

# concept (as asked, lower case) -> the line items it is read or computed from.
CONCEPTS: dict[str, str] = {
    "capital expenditure": "purchases of property and equipment capital expenditures",
    "capital expenditures": "purchases of property and equipment capital expenditures",
    "capex": "purchases of property and equipment capital expenditures",
    "free cash flow": "net cash provided by operating activities purchases of property and "
    "equipment",
    "operating cash flow": "net cash provided by operating activities",
    "cash from operations": "net cash provided by operating activities",
    "operating margin": "operating income total net sales revenue",
    "gross margin": "gross margin cost of sales revenue",
    "net margin": "net income total net sales revenue",
    "profit margin": "net income total net sales revenue",
    "ebitda": "operating income depreciation and amortization",
    "ebit": "operating income",
    "quick ratio": "total current assets cash equivalents marketable securities accounts "
    "receivable inventories total current liabilities",
    "current ratio": "total current assets total current liabilities",
    "working capital": "total current assets total current liabilities",
    "cash ratio": "cash and cash equivalents total current liabilities",
    "fixed asset turnover": "property and equipment net revenue total net sales",
    "asset turnover": "total assets revenue total net sales",
    "inventory turnover": "inventories cost of sales",
    "days sales outstanding": "accounts receivable net revenue",
    "days payable outstanding": "accounts payable cost of sales",
    "return on assets": "net income total assets",
    "return on equity": "net income total stockholders equity",
    "roa": "net income total assets",
    "roe": "net income total stockholders equity",
    "debt to equity": "long-term debt total stockholders equity",
    "leverage ratio": "long-term debt total stockholders equity total assets",
    "interest coverage": "operating income interest expense",
    "effective tax rate": "provision for income taxes income before income taxes",
    "dividend payout ratio": "dividends net income",
    "dividend payout": "dividends net income",
    "payout ratio": "dividends net income",
    "share buybacks": "repurchases of common stock",
    "buybacks": "repurchases of common stock",
    "share repurchases": "repurchases of common stock",
    "r&d": "research and development",
    "sg&a": "selling general and administrative",
    "cogs": "cost of sales cost of revenue",
    "cost of goods sold": "cost of sales cost of revenue",
    "eps": "earnings per share diluted basic",
    "d&a": "depreciation and amortization",
    "top line": "revenue total net sales",
    "bottom line": "net income",
    "headcount": "employees",
    "total debt": "long-term debt short-term debt current portion",
    "net debt": "long-term debt cash and cash equivalents",
    "liquidity": "cash and cash equivalents marketable securities",
}
_PATTERN = re.compile(
    r"(?<![\w&])(" + "|".join(re.escape(c) for c in sorted(CONCEPTS, key=len, reverse=True))
    + r")(?![\w&])",
    re.I,
)  # fmt: skip


def expand(query: str) -> str:
    """``query`` followed by the line items of every concept it names (each once)."""
    added = [CONCEPTS[m.group(1).lower()] for m in _PATTERN.finditer(query)]
    if not added:
        return query
    return f"{query} {' '.join(dict.fromkeys(added))}"
