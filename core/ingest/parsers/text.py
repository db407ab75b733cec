"""Plain text and source code: encoding detection, binary rejection, blank-line paragraphs.

The file is read once and decoded once; splitting is a single linear regex pass, so a 50 MB log
costs a few hundred MB of memory at most and no quadratic work.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import Block, BlockKind, ParsedDocument
from sourcewise.core.ingest.parsers._common import converting_errors, split_long

PROSE_EXTENSIONS = frozenset({"txt", "text", "log", "rst", "adoc", "org", "tex", "ini", "cfg"})
CODE_EXTENSIONS = frozenset(
    {
        "py", "pyi", "js", "jsx", "mjs", "ts", "tsx", "java", "kt", "kts", "scala", "c", "h",
        "cc", "cpp", "cxx", "hpp", "hh", "cs", "go", "rs", "rb", "php", "pl", "lua", "r", "jl",
        "swift", "m", "sh", "bash", "zsh", "fish", "ps1", "bat", "sql", "json", "jsonl", "yaml",
        "yml", "toml", "xml", "css", "scss", "less", "vue", "svelte", "dart", "hs", "ml", "ex",
        "exs", "erl", "clj", "el", "vim", "proto", "gradle", "cmake", "mk", "dockerfile", "tf",
        "graphql", "ipynb",
    }
)  # fmt: skip
TEXT_EXTENSIONS = PROSE_EXTENSIONS | CODE_EXTENSIONS

_SAMPLE = 64 * 1024  # bytes looked at for binary detection and encoding guessing
_DETECT_SAMPLE = 512 * 1024  # charset-normalizer is slow; a sample is enough to pick a codec
_BOMS = (  # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that never appear in real text (tab, LF, FF, CR and ESC are allowed).
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13, 27}) + b"\x7f"
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Blank lines end a paragraph; the next line's indentation is kept (it matters in code).
_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+")


def parse(path: Path) -> ParsedDocument:
    ext = path.suffix.lower().lstrip(".") or "txt"
    with converting_errors("text"):
        text = decode_bytes(path.read_bytes())
    kind: BlockKind = "code" if ext in CODE_EXTENSIONS else "paragraph"
    return ParsedDocument(blocks=text_blocks(text, kind), file_type=ext)


def text_blocks(text: str, kind: BlockKind = "paragraph") -> list[Block]:
    """Blocks separated by blank lines; code keeps its indentation, prose is trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    for raw in _PARAGRAPH_BREAK.split(text):
        part = raw.strip("\n").rstrip() if kind == "code" else raw.strip()
        if part.strip():
            blocks.extend(Block(piece, kind=kind) for piece in split_long(part))
    return blocks


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode file content: BOM, UTF-8, UTF-16 without BOM, ``declared``, charset-normalizer.

    Raises ``ParseError("not_text")`` for binary content.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strip_nul(data.decode(codec, errors="replace"))
    sample = data[:_SAMPLE]
    utf16 = _utf16_codec(sample)
    if utf16:
        return _strip_nul(data.decode(utf16, errors="replace"))
    if _looks_binary(sample):
        raise ParseError("not_text", "file looks binary, not text")
    try:
        return _strip_nul(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    codec = _valid_codec(declared, data) or _guess_codec(data[:_DETECT_SAMPLE])
    return _strip_nul(data.decode(codec, errors="replace"))


def _utf16_codec(sample: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII-heavy text then has NULs in every other byte."""
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample[:8192]:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls > 0.1 * max(len(sample), 1)


def _valid_codec(name: str | None, data: bytes) -> str | None:
    """``name`` when it is a known codec that decodes ``data`` strictly, else None."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
        data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
    return codec


def _guess_codec(sample: bytes) -> str:
    # charset-normalizer misreads short Western text (it calls "Olé" Big5 or cp1006, and
    # French cp1250), so the common case is settled first by a cheap cp1252 plausibility test.
    if _looks_western(sample):
        return "cp1252"
    from charset_normalizer import from_bytes  # lazy: only non-UTF-8 files need it

    best = from_bytes(sample).best()
    if best is None:
        raise ParseError("not_text", "file looks binary, not text (no text encoding fits)")
    return best.encoding


def _looks_western(sample: bytes) -> bool:
    """Read as cp1252, the non-ASCII characters are letters standing alone or in pairs.

    Latin-1/cp1252 text looks like that ("Grüße", "Ça"); Cyrillic, Greek, CJK or Central
    European text read as cp1252 gives long runs that include symbols.
    """
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    runs = _NON_ASCII_RUN.findall(text)
    chars = "".join(runs)
    letters = sum(c.isalpha() for c in chars)
    return letters >= 0.8 * len(chars) and len(chars) <= 2 * len(runs)


def _strip_nul(text: str) -> str:
    # A stray NUL deep inside a text file (past the binary check) would poison the index.
    return text.replace("\x00", "") if "\x00" in text else text
