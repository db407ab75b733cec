"""Note vaults (Obsidian, Logseq, any Markdown with YAML front matter): front-matter fields and
#tags as metadata, and ``[[wiki-links]]`` resolved to the linked note, whose title then reads in
the passage that links it ("see [[q3]]" becomes "see q3 (→ Q3 Budget Review)").

A small reader of the front matter people write (``key: value``, ``key: [a, b]``, ``key:`` then
``- a`` lines, quoted strings; Logseq's ``key:: value`` properties) rather than a YAML library:
a note's metadata is a few flat fields, and a malformed block must cost a warning, not the note.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from sourcewise.core.store.source_meta import Meta

_FIELD = re.compile(r"^([A-Za-z][\w -]{0,40}?)\s*:\s*(.*)$")
_ITEM = re.compile(r"^\s+-\s*(.*)$|^-\s+(.*)$")
_LOGSEQ = re.compile(r"^([A-Za-z][\w-]{0,40})::\s*(.*)$")
_TAG = re.compile(r"(?<![\w/#&])#([A-Za-z_][\w/-]{0,60})")
_WIKI = re.compile(r"!?\[\[([^\]\|#\n]*)(?:#[^\]\|\n]*)?(?:\|([^\]\n]*))?\]\]")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
_VAULT_MARKERS = (".obsidian", "logseq", ".logseq")
_CACHE_S = 30.0  # how long a vault's note list is trusted (notes added meanwhile: next run)
_cache: dict[str, tuple[float, dict[str, Path]]] = {}
# Keys whose values are tags or aliases whatever the vault calls them.
_RENAMED = {"tags": "tag", "tag": "tag", "aliases": "alias", "alias": "alias"}


def front_matter(lines: list[str]) -> tuple[Meta, int, str | None]:
    """(fields, index of the first body line, a warning) of a note's YAML front matter or
    Logseq page properties; a block that does not close or parse is no metadata, with why."""
    if lines and lines[0].strip() == "---":
        for end in range(1, min(len(lines), 300)):
            if lines[end].strip() in ("---", "..."):
                fields, bad = _fields(lines[1:end])
                warning = f"front matter line not read: {bad!r}" if bad else None
                return fields, end + 1, warning
        return {}, 0, "front matter never closes (no second '---' line): read as text"
    props: Meta = {}
    i = 0
    while i < len(lines) and (m := _LOGSEQ.match(lines[i].strip())):
        props[_key(m.group(1))] = _values(m.group(2), split_commas=True)
        i += 1
    return props, i, None


def _fields(lines: list[str]) -> tuple[Meta, str | None]:
    out: Meta = {}
    key = ""
    bad = None
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _ITEM.match(line)
        if item and key:
            out.setdefault(key, []).extend(_values(item.group(1) or item.group(2) or ""))
        elif m := _FIELD.match(line):
            key = _key(m.group(1))
            out[key] = _values(m.group(2), split_commas=key == "tag")
        elif line.startswith((" ", "\t")) and key:
            continue  # a nested mapping or a folded string: not a flat field
        else:
            bad = bad or line.strip()[:60]
    return {k: v for k, v in out.items() if v}, bad


def _key(name: str) -> str:
    key = name.strip().lower().replace(" ", "_")
    return _RENAMED.get(key, key)


def _values(text: str, split_commas: bool = False) -> list[str]:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        parts = text[1:-1].split(",")
    elif split_commas:
        parts = re.split(r"[,\s]+", text)
    else:
        parts = [text]
    return [v for p in parts if (v := p.strip().strip("\"'").lstrip("#").strip())]


def inline_tags(text: str) -> list[str]:
    """#tags in a note's text (not "#1", not a URL's fragment, not a heading's marks)."""
    return list(dict.fromkeys(t.rstrip("/-").lower() for t in _TAG.findall(text)))


def resolve_links(lines: list[str], note: Path) -> tuple[list[str], list[str]]:
    """The lines with each wiki-link read as its text plus the linked note's title, and the
    titles linked. A link to a note not in the vault reads as its text."""
    notes: dict[str, Path] = {}
    titles: list[str] = []

    def one(m: re.Match[str]) -> str:
        target, alias = m.group(1).strip(), (m.group(2) or "").strip()
        shown = alias or target
        if not notes:
            notes.update(_vault_notes(note))
        path = notes.get(Path(target).name.lower().removesuffix(".md"))
        if path is None:
            return shown
        title = note_title(path)
        titles.append(title)
        return shown if title.lower() == shown.lower() else f"{shown} (→ {title})"

    return [_WIKI.sub(one, line) if "[[" in line else line for line in lines], titles


def note_title(path: Path) -> str:
    """A note's title: its front matter's ``title``, else its first ``# `` heading, else its
    file name."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return path.stem
    lines = head.split("\n")
    fields, start, _ = front_matter(lines)
    if fields.get("title"):
        return fields["title"][0]
    heading = _HEADING.search("\n".join(lines[start:]))
    return heading.group(1).strip() if heading else path.stem


def _vault_notes(note: Path) -> dict[str, Path]:
    """Note name (lower case, no extension) -> path, for the vault holding ``note``: the
    nearest folder up with ``.obsidian/`` or ``logseq/``, else the note's own folder."""
    root = _vault_root(note)
    key = str(root)
    cached = _cache.get(key)
    if cached and time.monotonic() - cached[0] < _CACHE_S:
        return cached[1]
    notes: dict[str, Path] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "logseq"]
        for name in files:
            if name.lower().endswith((".md", ".markdown")) and not name.startswith("."):
                notes.setdefault(name.rsplit(".", 1)[0].lower(), Path(folder) / name)
    _cache[key] = (time.monotonic(), notes)
    return notes


def _vault_root(note: Path) -> Path:
    for folder in note.parents:
        if any((folder / marker).is_dir() for marker in _VAULT_MARKERS):
            return folder
    return note.parent
