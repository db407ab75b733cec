"""The queries that read a Zotero library's database (``zotero.sqlite``, Zotero's published
schema: ``resource/schema/userdata.sql``), for ingest/sources/zotero.py, which opens a copy
read-only and hands the connection here. Rows come back plain; nothing here writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

REQUIRED = ("items", "itemData", "itemDataValues", "itemCreators", "creators", "itemAttachments")


def tables(conn: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def items(conn: sqlite3.Connection) -> Iterator[Any]:
    """(itemID, key)."""
    return iter(conn.execute("SELECT itemID, key FROM items"))


def item_fields(conn: sqlite3.Connection, fields_table: str) -> Iterator[Any]:
    """(itemID, fieldName, value); ``fields_table`` is ``fieldsCombined`` or ``fields``."""
    assert fields_table in ("fieldsCombined", "fields")
    return iter(conn.execute(
        "SELECT d.itemID, f.fieldName, v.value FROM itemData d "
        f"JOIN {fields_table} f ON f.fieldID = d.fieldID "
        "JOIN itemDataValues v ON v.valueID = d.valueID"
    ))  # fmt: skip


def creators(conn: sqlite3.Connection) -> Iterator[Any]:
    """(itemID, lastName, firstName), in each item's order."""
    return iter(conn.execute(
        "SELECT ic.itemID, c.lastName, c.firstName FROM itemCreators ic "
        "JOIN creators c ON c.creatorID = ic.creatorID ORDER BY ic.itemID, ic.orderIndex"
    ))  # fmt: skip


def tags(conn: sqlite3.Connection) -> Iterator[Any]:
    """(itemID, tag name)."""
    return iter(conn.execute(
        "SELECT it.itemID, t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID"
    ))  # fmt: skip


def deleted(conn: sqlite3.Connection) -> Iterator[Any]:
    """(itemID,) of the items in Zotero's trash."""
    return iter(conn.execute("SELECT itemID FROM deletedItems"))


def collections(conn: sqlite3.Connection) -> Iterator[Any]:
    """(collectionID, collectionName, parentCollectionID)."""
    return iter(conn.execute(
        "SELECT collectionID, collectionName, parentCollectionID FROM collections"
    ))  # fmt: skip


def collection_items(conn: sqlite3.Connection) -> Iterator[Any]:
    """(itemID, collectionID)."""
    return iter(conn.execute("SELECT itemID, collectionID FROM collectionItems"))


def attachments(conn: sqlite3.Connection) -> Iterator[Any]:
    """(itemID, parent itemID, stored path) of each attachment with a file; Zotero before 5
    named the parent column ``sourceItemID``."""
    columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(itemAttachments)")}
    parent = "parentItemID" if "parentItemID" in columns else "sourceItemID"
    return iter(conn.execute(
        f"SELECT itemID, {parent}, path FROM itemAttachments WHERE path IS NOT NULL"
    ))  # fmt: skip
