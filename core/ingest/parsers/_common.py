"""Helpers shared by the parsers: error conversion, whitespace clean-up, record formatting."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sourcewise.core.errors import ParseError

# Blocks are capped so that one pathological paragraph (a 50 MB log with no blank line) cannot
# reach the chunker as a single string; split at line boundaries when possible.
MAX_BLOCK_CHARS = 8000
_YEAR = re.compile(r"(19|20)\d\d")


@contextmanager
def converting_errors(label: str) -> Iterator[None]:
    """Turn whatever a format library raises on bad input into a :class:`ParseError`.

    ``label`` names the format in the message ("DOCX", "PDF").
    """
    try:
        yield
    except ParseError:
        raise
    except OSError as err:
        raise ParseError("unreadable", f"cannot read {label} file: {_os_reason(err)}") from err
    except MemoryError as err:
        raise ParseError("too_large", f"{label} file is too large to load") from err
    except RecursionError as err:
        raise ParseError("corrupt", f"not a valid {label} (nested too deeply)") from err
    # Format libraries (zipfile, lxml, python-docx, openpyxl, ebooklib...) raise a wide, undocumented
    # range of exceptions on malformed files; any of them means "this file is broken".
    except Exception as err:
        raise ParseError("corrupt", f"not a valid {label} ({describe_failure(err)})") from err


def describe_failure(err: BaseException) -> str:
    """A short, user-facing reason for a library exception."""
    if isinstance(err, zipfile.BadZipFile | zlib.error | EOFError):
        return "zip is damaged"
    if isinstance(err, KeyError):
        return "a required part is missing"
    if type(err).__name__ in {"XMLSyntaxError", "ParseError", "ExpatError"}:
        return "its XML is malformed"
    if isinstance(err, UnicodeError):
        return "text in an unknown encoding"
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return text[:120] or type(err).__name__


def _os_reason(err: OSError) -> str:
    return err.strerror or str(err) or type(err).__name__


def clean(text: str) -> str:
    """Collapse all runs of whitespace (including newlines) into single spaces."""
    return " ".join(text.split())


def split_long(text: str, limit: int = MAX_BLOCK_CHARS) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` chars, preferring line boundaries."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        piece = text[start:end].strip("\n")
        if piece.strip():
            pieces.append(piece)
        start = end
    return pieces


def format_value(value: object) -> str:
    """Spreadsheet cell value as a person would read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return clean(str(value))


def looks_like_header(row: Sequence[object]) -> bool:
    """A first row is a header when every filled cell is a non-numeric string, years aside
    when some cell is text ("Item, 2021, 2020": prior-year columns are named by year)."""
    filled = [v for v in row if format_value(v)]
    if not filled or not all(isinstance(v, str) for v in filled):
        return False
    text = [v for v in filled if isinstance(v, str) and not _is_number(v)]
    years = [v for v in filled if isinstance(v, str) and _YEAR.fullmatch(v.strip())]
    return len(text) == len(filled) or (bool(text) and len(text) + len(years) == len(filled))


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def make_header(first_row: Sequence[object], width: int) -> list[str]:
    """Column names from a header row, padded with "Column N" for unnamed columns."""
    names = [format_value(v) for v in first_row]
    names += [""] * (width - len(names))
    return [name or f"Column {i + 1}" for i, name in enumerate(names)]
