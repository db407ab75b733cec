"""One parser module per format; :func:`parse_file` picks one by extension.

Parser modules (and the libraries behind them) are imported on first use, so importing this
registry costs nothing; the UI can call :func:`is_supported` on every file it sees.
"""

from __future__ import annotations

import importlib
import stat
from collections.abc import Callable
from pathlib import Path

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import ParsedDocument
from sourcewise.core.ingest.parsers.text import TEXT_EXTENSIONS
from sourcewise.core.ingest.readable import without_unreadable

__all__ = ["SUPPORTED_EXTENSIONS", "is_supported", "parse_file"]

# extension (lower case, no dot) -> parser module in this package
_MODULES: dict[str, str] = {
    "pdf": "pdf",
    "docx": "docx",
    "pptx": "pptx",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "csv": "csv",
    "tsv": "csv",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "md": "markdown",
    "markdown": "markdown",
    "epub": "epub",
    "eml": "eml",
    **dict.fromkeys(TEXT_EXTENSIONS, "text"),
}

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(_MODULES)


def is_supported(path: Path) -> bool:
    return _extension(path) in SUPPORTED_EXTENSIONS or is_mbox(path)


def is_mbox(path: Path) -> bool:
    """An mbox archive: ``*.mbox`` (Thunderbird exports, Google Takeout), or the ``mbox`` file
    inside an Apple Mail export folder ``Name.mbox/``. It is indexed message by message
    (ingest/sources/mailbox_index.py), never parsed whole."""
    return path.suffix.lower() == ".mbox" or (
        path.name == "mbox" and path.parent.suffix.lower() == ".mbox"
    )


def parse_file(path: Path, *, ocr: bool = True, max_bytes: int | None = None) -> ParsedDocument:
    """Parse ``path`` into blocks, or raise :class:`ParseError` with a stable ``kind``.

    ``ocr`` only matters for PDFs with scanned pages; ``max_bytes`` rejects larger files before
    any parsing starts.
    """
    ext = _extension(path)
    if is_mbox(path):
        raise ParseError("unsupported", "an mbox archive is indexed message by message")
    if ext not in SUPPORTED_EXTENSIONS:
        what = f".{ext} files" if ext else "files without an extension"
        raise ParseError("unsupported", f"{what} are not supported")
    _check_file(path, max_bytes)
    try:
        document = _parser(ext)(path, ocr=ocr)
    except OSError as err:  # a parser's own read failed: permissions changed, file vanished
        raise ParseError("unreadable", f"cannot read file: {err.strerror or err}") from err
    if not any(block.text.strip() for block in document.blocks):
        raise ParseError("empty", "no text found in file")
    return without_unreadable(document)


def _extension(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def _check_file(path: Path, max_bytes: int | None) -> None:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ParseError("unreadable", "not a regular file")
        with path.open("rb"):  # fails early on permissions, which stat() does not check
            pass
    except OSError as err:
        raise ParseError("unreadable", f"cannot read file: {err.strerror or err}") from err
    size = info.st_size
    if size == 0:
        raise ParseError("empty", "file is empty")
    if max_bytes is not None and size > max_bytes:
        raise ParseError(
            "too_large", f"file is {_size(size)}, over the {_size(max_bytes)} limit for indexing"
        )


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1000:.1f} kB" if size >= 1000 else f"{size} bytes"


def _parser(ext: str) -> Callable[..., ParsedDocument]:
    module = importlib.import_module(f"{__name__}.{_MODULES[ext]}")
    parse: Callable[..., ParsedDocument] = module.parse
    if ext == "pdf":
        return parse

    def without_ocr(path: Path, *, ocr: bool) -> ParsedDocument:
        del ocr  # only PDFs have scanned pages
        return parse(path)

    return without_ocr
