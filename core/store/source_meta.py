"""Source metadata: what a message, a note or a paper says about itself, as ``{key: [values]}``.

Two origins, merged per document by the store: ``content`` metadata comes from the bytes (a
message's headers, a note's front matter and #tags) and travels with the content's card, so a
moved or duplicated file keeps it; ``source`` metadata comes from elsewhere (Zotero's database, the
message an attachment came with) and is written per document.

Keys with a meaning here: ``title``, ``sender``, ``recipient``, ``date`` (ISO, sortable),
``subject``, ``message`` (the path of the message an attachment came with), ``tag``, ``author``,
``year``, ``publication``, ``collection``, ``link`` (the titles of linked notes) and ``cite``
(how a citation names the item).
"""

from __future__ import annotations

import json
import re

Meta = dict[str, list[str]]

_MAX_VALUE = 300
_MAX_VALUES = 50
_KEY = re.compile(r"^[a-z][a-z0-9_.-]{0,40}$")
# Keys shown on the card, in this order, as "Label: values" lines.
_CARD_LINES = (
    ("sender", "From"), ("recipient", "To"), ("date", "Date"), ("author", "Authors"),
    ("publication", "Publication"), ("year", "Year"), ("collection", "Collections"),
    ("tag", "Tags"), ("message", "Attached to"), ("link", "Links to"),
)  # fmt: skip


def clean(meta: dict[str, list[str]]) -> Meta:
    """Keys lower-cased and checked, values stripped, deduplicated and bounded: metadata comes
    from user files and must never blow up a card or a table."""
    out: Meta = {}
    for key, values in meta.items():
        k = key.strip().lower()
        if not _KEY.match(k):
            continue
        kept = [" ".join(str(v).split())[:_MAX_VALUE] for v in values]
        kept = list(dict.fromkeys(v for v in kept if v))[:_MAX_VALUES]
        if kept:
            out[k] = kept
    return out


def encode(meta: Meta) -> str:
    return json.dumps(clean(meta), ensure_ascii=False, sort_keys=True) if meta else ""


def decode(text: str | None) -> Meta:
    """The metadata ``encode`` wrote; anything unreadable is no metadata (never an error)."""
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return clean({str(k): v if isinstance(v, list) else [v] for k, v in data.items()})


def merge(*metas: Meta) -> Meta:
    out: Meta = {}
    for meta in metas:
        for key, values in meta.items():
            out[key] = list(dict.fromkeys([*out.get(key, []), *values]))
    return out


def rows(meta: Meta) -> list[tuple[str, str]]:
    """(key, value) pairs, as the store keeps them."""
    return [(k, v) for k, values in clean(meta).items() for v in values]


def card_lines(meta: Meta) -> list[str]:
    """The card's body lines for this metadata ("From: Alice <a@x>", "Tags: budget, q3")."""
    lines = [f"{label}: {', '.join(meta[key])}" for key, label in _CARD_LINES if meta.get(key)]
    if meta.get("cite"):
        lines.append(meta["cite"][0])
    return lines


def card_names(meta: Meta) -> str:
    """Identity words for the card's name: authors' last names and the year ("Smith Lee 2021"),
    the sender's name, a note's tags. They weigh most in the card score, which is what lets a
    question name a paper by author and year, a message by its sender, notes by their tag."""
    tags = [t.replace("/", " ") for t in meta.get("tag", [])]
    words = [*meta.get("author_last", []), *meta.get("year", []), *_sender_names(meta), *tags]
    return " ".join(dict.fromkeys(words))


def _sender_names(meta: Meta) -> list[str]:
    return [re.sub(r"\s*<[^>]*>", "", s).strip() for s in meta.get("sender", [])]
