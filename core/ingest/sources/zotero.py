"""A Zotero data directory: each stored PDF's item (title, authors, year, publication,
collections, tags) from ``zotero.sqlite``, read from a copy, opened read-only.

Zotero keeps its database open (and locked) while it runs: copying it first means Sourcewise
never holds a lock Zotero waits on, and opening the copy with ``mode=ro`` means nothing here can
write. Table and column names are Zotero's published schema (``resource/schema/userdata.sql``
in its repository; ``fieldsCombined`` or ``fields`` name the fields).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sourcewise.core.store import zotero_db
from sourcewise.core.store.source_meta import Meta

DATABASE = "zotero.sqlite"
_PUBLICATION_FIELDS = ("publicationTitle", "bookTitle", "proceedingsTitle", "websiteTitle",
                       "university", "publisher")  # fmt: skip


class ZoteroError(Exception):
    """The database cannot be read; ``kind`` is a file status (corrupt, unreadable...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Item:
    key: str
    fields: dict[str, str] = field(default_factory=dict)
    creators: list[tuple[str, str]] = field(default_factory=list)  # (last, first) in order
    collections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def year(self) -> str:
        date = self.fields.get("date", "")
        return date[:4] if date[:4].isdigit() and date[:4] != "0000" else ""

    def cite(self) -> str:
        """ "Smith (2021)", "Smith & Lee (2021)", "Smith et al. (2021)"."""
        lasts = [last for last, _ in self.creators if last]
        year = self.year or "n.d."
        if not lasts:
            return f"{self.fields.get('title', 'Untitled')[:60]} ({year})"
        if len(lasts) == 1:
            return f"{lasts[0]} ({year})"
        if len(lasts) == 2:
            return f"{lasts[0]} & {lasts[1]} ({year})"
        return f"{lasts[0]} et al. ({year})"

    def meta(self) -> Meta:
        publication = next((self.fields[f] for f in _PUBLICATION_FIELDS if self.fields.get(f)), "")
        date = self.fields.get("date", "")[:10].replace("-00", "-01")
        authors = [f"{last}, {first}" if first else last for last, first in self.creators]
        return {"title": [self.fields.get("title", "")], "author": authors,
                "author_last": [last for last, _ in self.creators], "year": [self.year],
                "date": [date if self.year else ""], "publication": [publication],
                "collection": self.collections, "tag": self.tags, "cite": [self.cite()],
                "zotero_key": [self.key]}  # fmt: skip


def is_data_dir(folder: Path) -> bool:
    return (folder / DATABASE).is_file()


def read_library(data_dir: Path) -> dict[Path, Meta]:
    """Each attachment file (under ``storage/``, or a linked file's own path) with its parent
    item's metadata. Raises :class:`ZoteroError` when the database cannot be read."""
    with tempfile.TemporaryDirectory(prefix="sourcewise-zotero-") as tmp:
        copy = _copy_database(data_dir, Path(tmp))
        try:
            conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as err:
            raise ZoteroError("unreadable", f"the Zotero database cannot be opened: {err}") from err
        try:
            return _attachments(conn, data_dir, _items(conn))
        except sqlite3.DatabaseError as err:
            raise ZoteroError("corrupt", f"the Zotero database cannot be read: {err}") from err
        finally:
            conn.close()


def _copy_database(data_dir: Path, tmp: Path) -> Path:
    """The database and its write-ahead log (recent changes of a running Zotero) copied."""
    copy = tmp / DATABASE
    try:
        shutil.copyfile(data_dir / DATABASE, copy)
        wal = data_dir / f"{DATABASE}-wal"
        if wal.is_file():
            shutil.copyfile(wal, tmp / wal.name)
    except OSError as err:
        raise ZoteroError("unreadable", f"the Zotero database cannot be copied: "
                          f"{err.strerror or err}") from err  # fmt: skip
    return copy


def _items(conn: sqlite3.Connection) -> dict[int, Item]:
    tables = zotero_db.tables(conn)
    missing = [t for t in zotero_db.REQUIRED if t not in tables]
    if missing:
        raise ZoteroError("unsupported", f"not a Zotero database (no {', '.join(missing)} table)")
    items = {int(item_id): Item(str(key)) for item_id, key in zotero_db.items(conn)}
    fields = "fieldsCombined" if "fieldsCombined" in tables else "fields"
    for item_id, name, value in zotero_db.item_fields(conn, fields):
        if int(item_id) in items:
            items[int(item_id)].fields[str(name)] = str(value)
    for item_id, last, first in zotero_db.creators(conn):
        if int(item_id) in items:
            items[int(item_id)].creators.append((str(last or ""), str(first or "")))
    _add_collections(conn, tables, items)
    if "itemTags" in tables and "tags" in tables:
        for item_id, name in zotero_db.tags(conn):
            if int(item_id) in items:
                items[int(item_id)].tags.append(str(name))
    if "deletedItems" in tables:  # in Zotero's trash: not the user's library any more
        for (item_id,) in zotero_db.deleted(conn):
            items.pop(int(item_id), None)
    return items


def _add_collections(conn: sqlite3.Connection, tables: set[str], items: dict[int, Item]) -> None:
    """Each item's collections and their parents: a collection is a scope that holds its
    subcollections' papers too."""
    if "collections" not in tables or "collectionItems" not in tables:
        return
    names: dict[int, tuple[str, int | None]] = {
        int(cid): (str(name), None if parent is None else int(parent))
        for cid, name, parent in zotero_db.collections(conn)
    }
    for item_id, cid in zotero_db.collection_items(conn):
        chain: list[str] = []
        current: int | None = int(cid)
        while current is not None and current in names and len(chain) < 20:
            name, current = names[current]
            chain.append(name)
        if int(item_id) in items:
            items[int(item_id)].collections.extend(chain)


def _attachments(
    conn: sqlite3.Connection, data_dir: Path, items: dict[int, Item]
) -> dict[Path, Meta]:
    out: dict[Path, Meta] = {}
    for item_id, parent_id, stored in zotero_db.attachments(conn):
        attachment = items.get(int(item_id))
        owner = items.get(int(parent_id)) if parent_id is not None else attachment
        if attachment is None or owner is None:
            continue
        path = _file_path(data_dir, attachment.key, str(stored))
        if path is not None:
            out[path] = owner.meta()
    return out


def _file_path(data_dir: Path, key: str, stored: str) -> Path | None:
    """``storage:paper.pdf`` is ``storage/<attachment key>/paper.pdf``; a linked file is
    stored by its absolute path; a path relative to a base folder cannot be resolved here."""
    if stored.startswith("storage:"):
        return (data_dir / "storage" / key / stored.removeprefix("storage:")).resolve()
    if stored.startswith("attachments:"):
        return None
    return Path(stored) if Path(stored).is_absolute() else None
