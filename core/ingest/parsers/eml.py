"""A single email message (``.eml``): its headers and its own words (sources/mail.py).

Indexing reads an ``.eml`` file with its attachments (ingest/sources/mailbox_index.py); this
parser is what reading one file whole (``summarize``) uses.
"""

from __future__ import annotations

from pathlib import Path

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import ParsedDocument
from sourcewise.core.ingest.sources.mail import read_message


def parse(path: Path) -> ParsedDocument:
    (item,) = read_message(path.read_bytes(), path, ocr=False, max_bytes=0, attachments=False)
    if item.doc is None:
        kind, message = item.failure or ("corrupt", "unreadable message")
        raise ParseError(kind, message)
    return item.doc
