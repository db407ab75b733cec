"""CSV/TSV: the file is one table (Markdown ``table`` blocks, the header row in each).

The delimiter is detected (comma, semicolon, tab or pipe); the encoding as for text files.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.ingest.parsers._common import converting_errors, looks_like_header, make_header
from sourcewise.core.ingest.parsers._tables import table_blocks
from sourcewise.core.ingest.parsers.text import decode_bytes

_SNIFF_CHARS = 64 * 1024
_SNIFF_LINES = 50
_DELIMITERS = ",;\t|"


def parse(path: Path) -> ParsedDocument:
    ext = path.suffix.lower().lstrip(".") or "csv"
    with converting_errors("CSV"):
        text = decode_bytes(path.read_bytes())
    delimiter = _delimiter(text[:_SNIFF_CHARS], tab=ext == "tsv")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [row for row in reader if any(row)]
    except csv.Error as err:
        raise ParseError("corrupt", f"not a valid CSV ({err})") from err
    return ParsedDocument(blocks=_table(rows), file_type=ext)


def _delimiter(sample: str, *, tab: bool) -> str:
    """The candidate that splits the first lines into the same number (>1) of fields most often.

    csv.Sniffer is easily fooled (it picks "," in ``Käse;3,50;x``); counting fields with the
    real reader, quotes and all, is not.
    """
    lines = sample.splitlines()[:_SNIFF_LINES]
    if len(sample) >= _SNIFF_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the sample's last line is probably cut short
    best, best_score = ("\t" if tab else ","), (0.0, 0)
    for delimiter in _DELIMITERS:
        counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if row)
        if not counts:
            continue
        fields, rows = counts.most_common(1)[0]
        score = (rows / sum(counts.values()), fields)
        if fields > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def _table(rows: list[list[str]]) -> list[Block]:
    if not rows:
        return []
    width = max(len(row) for row in rows)
    has_header = looks_like_header(rows[0]) and len(rows) > 1
    header = make_header(rows[0] if has_header else [], width)
    return table_blocks(header, rows[1:] if has_header else rows)
