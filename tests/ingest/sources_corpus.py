"""Builders of the sources people keep, for tests and bench/sources.py: email messages and mbox
archives (standard library), note vaults, and Zotero data directories whose ``zotero.sqlite``
follows Zotero's published schema (``resource/schema/userdata.sql``: the tables and columns
Sourcewise reads, as Zotero creates them; ``fields`` as its system schema has it)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import fitz

ZOTERO_SCHEMA = """
CREATE TABLE libraries (libraryID INTEGER PRIMARY KEY, type TEXT NOT NULL, editable INT NOT NULL,
    filesEditable INT NOT NULL, version INT NOT NULL DEFAULT 0, storageVersion INT NOT NULL DEFAULT 0,
    lastSync INT NOT NULL DEFAULT 0, archived INT NOT NULL DEFAULT 0);
CREATE TABLE itemTypes (itemTypeID INTEGER PRIMARY KEY, typeName TEXT, templateItemTypeID INT,
    display INT DEFAULT 1);
CREATE TABLE fields (fieldID INTEGER PRIMARY KEY, fieldName TEXT, fieldFormatID INT);
CREATE TABLE items (itemID INTEGER PRIMARY KEY, itemTypeID INT NOT NULL,
    dateAdded TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    dateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key));
CREATE TABLE itemDataValues (valueID INTEGER PRIMARY KEY, value UNIQUE);
CREATE TABLE itemData (itemID INT, fieldID INT, valueID, PRIMARY KEY (itemID, fieldID));
CREATE TABLE itemAttachments (itemID INTEGER PRIMARY KEY, parentItemID INT, linkMode INT,
    contentType TEXT, charsetID INT, path TEXT, syncState INT DEFAULT 0, storageModTime INT,
    storageHash TEXT);
CREATE TABLE tags (tagID INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE itemTags (itemID INT NOT NULL, tagID INT NOT NULL, type INT NOT NULL,
    PRIMARY KEY (itemID, tagID));
CREATE TABLE creators (creatorID INTEGER PRIMARY KEY, firstName TEXT, lastName TEXT,
    fieldMode INT, UNIQUE (lastName, firstName, fieldMode));
CREATE TABLE itemCreators (itemID INT NOT NULL, creatorID INT NOT NULL,
    creatorTypeID INT NOT NULL DEFAULT 1, orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (itemID, creatorID, creatorTypeID, orderIndex), UNIQUE (itemID, orderIndex));
CREATE TABLE collections (collectionID INTEGER PRIMARY KEY, collectionName TEXT NOT NULL,
    parentCollectionID INT DEFAULT NULL, clientDateModified TIMESTAMP NOT NULL DEFAULT
    CURRENT_TIMESTAMP, libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key));
CREATE TABLE collectionItems (collectionID INT NOT NULL, itemID INT NOT NULL,
    orderIndex INT NOT NULL DEFAULT 0, PRIMARY KEY (collectionID, itemID));
CREATE TABLE deletedItems (itemID INTEGER PRIMARY KEY,
    dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL);
"""
_FIELDS = {"title": 1, "date": 6, "publicationTitle": 12, "DOI": 26}


def pdf_bytes(pages: list[str]) -> bytes:
    doc = fitz.open()
    for text in pages:
        page = doc.new_page()
        page.insert_textbox(fitz.Rect(72, 72, 540, 720), text, fontsize=11)
    data: bytes = doc.tobytes()
    doc.close()
    return data


def message(
    sender: str,
    to: str,
    subject: str,
    body: str,
    *,
    when: datetime,
    msgid: str,
    attachments: tuple[tuple[str, bytes], ...] = (),
) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Date"] = format_datetime(when.replace(tzinfo=UTC))
    msg["Message-ID"] = f"<{msgid}>"
    msg.set_content(body)
    for name, data in attachments:
        kind = ("application", "pdf") if name.endswith(".pdf") else ("application", "octet-stream")
        msg.add_attachment(data, maintype=kind[0], subtype=kind[1], filename=name)
    return msg.as_bytes()


def append_mbox(path: Path, messages: list[bytes]) -> None:
    """Messages appended as a mail client writes them ("From " line, ">From " escaping)."""
    with path.open("ab") as fh:
        for raw in messages:
            fh.write(b"From sender@example.org Mon Jan  1 00:00:00 2024\n")
            for line in raw.replace(b"\r\n", b"\n").split(b"\n"):
                fh.write((b">" + line if line.startswith(b"From ") else line) + b"\n")
            fh.write(b"\n")


@dataclass
class Paper:
    key: str  # the parent item's key
    title: str
    authors: list[tuple[str, str]]  # (last, first)
    date: str  # as Zotero stores it: "2021-03-00 March 2021"
    publication: str
    pages: list[str]  # the PDF's text
    collections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def zotero_library(folder: Path, papers: list[Paper]) -> Path:
    """A Zotero data directory: ``zotero.sqlite`` and each paper's PDF under
    ``storage/<attachment key>/``. Returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(folder / "zotero.sqlite")
    with conn:
        conn.executescript(ZOTERO_SCHEMA)
        conn.execute("INSERT INTO libraries VALUES (1, 'user', 1, 1, 0, 0, 0, 0)")
        conn.executemany("INSERT INTO itemTypes(itemTypeID, typeName) VALUES (?, ?)",
                         [(2, "journalArticle"), (3, "attachment")])  # fmt: skip
        conn.executemany("INSERT INTO fields(fieldID, fieldName) VALUES (?, ?)",
                         [(i, n) for n, i in _FIELDS.items()])  # fmt: skip
        collections: dict[str, int] = {}
        for n, paper in enumerate(papers):
            _add_paper(conn, folder, paper, 2 * n + 1, collections)
    conn.close()
    return folder


def _add_paper(
    conn: sqlite3.Connection, folder: Path, paper: Paper, item_id: int, collections: dict[str, int]
) -> None:
    conn.execute("INSERT INTO items(itemID, itemTypeID, libraryID, key) VALUES (?, 2, 1, ?)",
                 [item_id, paper.key])  # fmt: skip
    for name, value in (("title", paper.title), ("date", paper.date),
                        ("publicationTitle", paper.publication)):  # fmt: skip
        conn.execute("INSERT OR IGNORE INTO itemDataValues(value) VALUES (?)", [value])
        (value_id,) = conn.execute("SELECT valueID FROM itemDataValues WHERE value = ?", [value])
        conn.execute("INSERT INTO itemData VALUES (?, ?, ?)", [item_id, _FIELDS[name], value_id[0]])
    for order, (last, first) in enumerate(paper.authors):
        conn.execute("INSERT OR IGNORE INTO creators(firstName, lastName, fieldMode) "
                     "VALUES (?, ?, 0)", [first, last])  # fmt: skip
        (cid,) = conn.execute(
            "SELECT creatorID FROM creators WHERE firstName = ? AND lastName = ?", [first, last]
        ).fetchone()
        conn.execute("INSERT INTO itemCreators VALUES (?, ?, 1, ?)", [item_id, cid, order])
    for name in paper.collections:
        if name not in collections:
            collections[name] = len(collections) + 1
            conn.execute("INSERT INTO collections(collectionID, collectionName, libraryID, key) "
                         "VALUES (?, ?, 1, ?)", [collections[name], name, f"C{len(collections):07d}"])  # fmt: skip
        conn.execute("INSERT INTO collectionItems VALUES (?, ?, 0)", [collections[name], item_id])
    for tag in paper.tags:
        conn.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", [tag])
        conn.execute(
            "INSERT INTO itemTags SELECT ?, tagID, 0 FROM tags WHERE name = ?", [item_id, tag]
        )
    attachment_key = f"A{paper.key[1:]}"
    conn.execute("INSERT INTO items(itemID, itemTypeID, libraryID, key) VALUES (?, 3, 1, ?)",
                 [item_id + 1, attachment_key])  # fmt: skip
    name = f"{paper.authors[0][0] if paper.authors else 'anon'} - {paper.title[:40]}.pdf"
    conn.execute("INSERT INTO itemAttachments(itemID, parentItemID, linkMode, contentType, path) "
                 "VALUES (?, ?, 0, 'application/pdf', ?)", [item_id + 1, item_id, f"storage:{name}"])  # fmt: skip
    storage = folder / "storage" / attachment_key
    storage.mkdir(parents=True, exist_ok=True)
    (storage / name).write_bytes(pdf_bytes(paper.pages))
