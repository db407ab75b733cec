"""Append-only numbered schema migrations (as simonw's llm does). Never edit a released one.

Content is stored once per distinct file content (``blobs``): identical files share chunks and
vectors, and a moved file re-points its document row instead of being re-embedded.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE collections (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created REAL NOT NULL
        );
        CREATE TABLE roots (
            id INTEGER PRIMARY KEY,
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            watch INTEGER NOT NULL DEFAULT 0,
            UNIQUE (collection_id, path)
        );
        CREATE TABLE blobs (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            file_type TEXT NOT NULL,
            title TEXT,
            author TEXT,
            page_count INTEGER,
            chunk_count INTEGER NOT NULL DEFAULT 0,
            text_length INTEGER NOT NULL DEFAULT 0,
            warnings TEXT,
            embed_model TEXT NOT NULL
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            folder TEXT NOT NULL,
            file_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime REAL NOT NULL,
            sha256 TEXT,
            blob_id INTEGER REFERENCES blobs(id),
            status TEXT NOT NULL,
            error TEXT,
            indexed_at REAL NOT NULL,
            UNIQUE (collection_id, path)
        );
        CREATE INDEX documents_blob ON documents(blob_id);
        CREATE INDEX documents_sha ON documents(sha256);
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY,
            blob_id INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            text TEXT NOT NULL,
            heading TEXT NOT NULL DEFAULT '',
            page_start INTEGER,
            page_end INTEGER,
            page_label TEXT,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            tokens INTEGER NOT NULL
        );
        CREATE INDEX chunks_blob ON chunks(blob_id, ord);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, heading, content='chunks', content_rowid='id', tokenize='porter unicode61'
        );
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text, heading) VALUES (new.id, new.text, new.heading);
        END;
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, heading)
            VALUES ('delete', old.id, old.text, old.heading);
        END;
        CREATE TABLE vectors (
            chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            vec BLOB NOT NULL
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """
    )


def m002_chats(db: sqlite_utils.Database) -> None:
    """Conversations, their messages (answers keep citations and timings as JSON), feedback."""
    db.executescript(
        """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            created REAL NOT NULL,
            updated REAL NOT NULL
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            citations TEXT NOT NULL DEFAULT '[]',
            abstained INTEGER NOT NULL DEFAULT 0,
            timings TEXT,
            created REAL NOT NULL
        );
        CREATE INDEX messages_conversation ON messages(conversation_id, id);
        CREATE TABLE feedback (
            message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
            comment TEXT NOT NULL DEFAULT '',
            created REAL NOT NULL
        );
        """
    )


def m003_answer_log(db: sqlite_utils.Database) -> None:
    """One row per answer given (sourcewise.core.monitor): what was asked, how well retrieval
    scored, whether it abstained, how long it took, with which model; ``message_id`` links the
    chat message (and so its feedback) once known."""
    db.executescript(
        """
        CREATE TABLE answer_log (
            id INTEGER PRIMARY KEY,
            created REAL NOT NULL,
            question TEXT NOT NULL,
            standalone_query TEXT NOT NULL DEFAULT '',
            answer TEXT NOT NULL DEFAULT '',
            abstained INTEGER NOT NULL DEFAULT 0,
            top_scores TEXT NOT NULL DEFAULT '[]',
            top_score REAL,
            citations INTEGER NOT NULL DEFAULT 0,
            retrieve_ms REAL NOT NULL DEFAULT 0,
            ttft_ms REAL NOT NULL DEFAULT 0,
            total_ms REAL NOT NULL DEFAULT 0,
            model TEXT NOT NULL DEFAULT '',
            adapter TEXT,
            message_id INTEGER
        );
        CREATE INDEX answer_log_created ON answer_log(created);
        """
    )


def m005_answer_feedback(db: sqlite_utils.Database) -> None:
    """Feedback keyed by the answer log's id (``Answer.log_id``), for answers given outside a
    chat (CLI, API) as much as in one; ``messages.log_id`` ties a stored chat answer to its
    log row by id (older rows were linked by matching the answer text)."""
    db.executescript(
        """
        ALTER TABLE messages ADD COLUMN log_id INTEGER;
        CREATE INDEX messages_log ON messages(log_id);
        CREATE TABLE answer_feedback (
            log_id INTEGER PRIMARY KEY REFERENCES answer_log(id) ON DELETE CASCADE,
            rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
            comment TEXT NOT NULL DEFAULT '',
            created REAL NOT NULL
        );
        """
    )


def m006_document_cards(db: sqlite_utils.Database) -> None:
    """Document identity cards (sourcewise.core.store.document_card), searchable by FTS5, and each
    chunk's page marks (where in its text each page begins).

    The content part of a card is stored with the blob (``blobs.card``, JSON); the card itself
    is per document, so identical files at two paths keep their own names. Existing documents
    get a card from their file name and title; re-indexing a file adds its first page.
    """
    db.executescript(
        """
        ALTER TABLE blobs ADD COLUMN card TEXT;
        ALTER TABLE chunks ADD COLUMN page_marks TEXT NOT NULL DEFAULT '';
        CREATE TABLE cards (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            periods TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE cards_fts USING fts5(
            name, title, body, periods, content='cards', content_rowid='document_id',
            tokenize='porter unicode61'
        );
        CREATE TRIGGER cards_ai AFTER INSERT ON cards BEGIN
            INSERT INTO cards_fts(rowid, name, title, body, periods)
            VALUES (new.document_id, new.name, new.title, new.body, new.periods);
        END;
        CREATE TRIGGER cards_ad AFTER DELETE ON cards BEGIN
            INSERT INTO cards_fts(cards_fts, rowid, name, title, body, periods)
            VALUES ('delete', old.document_id, old.name, old.title, old.body, old.periods);
        END;
        CREATE TRIGGER cards_au AFTER UPDATE ON cards BEGIN
            INSERT INTO cards_fts(cards_fts, rowid, name, title, body, periods)
            VALUES ('delete', old.document_id, old.name, old.title, old.body, old.periods);
            INSERT INTO cards_fts(rowid, name, title, body, periods)
            VALUES (new.document_id, new.name, new.title, new.body, new.periods);
        END;
        """
    )
    from sourcewise.core.store.document_card import ContentCard, document_card

    rows = db.execute(
        "SELECT d.id, d.path, b.title FROM documents d JOIN blobs b ON b.id = d.blob_id"
    ).fetchall()
    for doc_id, path, title in rows:
        card = document_card(str(path), ContentCard(title=str(title or "")))
        db.execute(
            "INSERT INTO cards(document_id, name, title, body, periods) VALUES (?,?,?,?,?)",
            [doc_id, card.name, card.title, card.body, card.periods],
        )


def m007_chunk_kind(db: sqlite_utils.Database) -> None:
    """Each chunk's kind: "text", or "table" for a Markdown table (rows under their header).
    Chunks indexed before are text; re-indexing a file with tables marks its table chunks."""
    db.execute("ALTER TABLE chunks ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'")


# The gram index's tokens are the grams, separated by spaces. unicode61's default token
# characters (letters, numbers) leave out the combining marks, which would cut a Thai gram.
GRAM_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"


def m008_chunk_grams(db: sqlite_utils.Database) -> None:
    """The gram index (store/grams.py): a chunk's runs of Chinese, Japanese, Thai... as
    character pairs, searched beside the word index (``chunks_fts``, unchanged), so a word
    inside a run is found. ``chunks.grams`` holds them (written with the chunk); only chunks
    that have any are in ``chunk_grams``. Existing chunks get theirs here, without
    re-embedding."""
    db.executescript(
        f"""
        ALTER TABLE chunks ADD COLUMN grams TEXT NOT NULL DEFAULT '';
        CREATE VIRTUAL TABLE chunk_grams USING fts5(
            grams, content='chunks', content_rowid='id', tokenize="{GRAM_TOKENIZER}"
        );
        CREATE TRIGGER chunks_grams_ai AFTER INSERT ON chunks WHEN new.grams != '' BEGIN
            INSERT INTO chunk_grams(rowid, grams) VALUES (new.id, new.grams);
        END;
        CREATE TRIGGER chunks_grams_ad AFTER DELETE ON chunks WHEN old.grams != '' BEGIN
            INSERT INTO chunk_grams(chunk_grams, rowid, grams) VALUES ('delete', old.id, old.grams);
        END;
        """
    )
    from sourcewise.core.store.grams import chunk_grams

    last = 0
    while True:  # in batches, so a large library is never read into memory at once
        rows = db.execute(
            "SELECT id, text, heading FROM chunks WHERE id > ? ORDER BY id LIMIT 2000", [last]
        ).fetchall()
        if not rows:
            break
        last = int(rows[-1][0])
        found = [(g, int(cid)) for cid, text, heading in rows if (g := chunk_grams(text, heading))]
        db.conn.executemany("UPDATE chunks SET grams = ? WHERE id = ?", found)
        db.conn.executemany(
            "INSERT INTO chunk_grams(rowid, grams) VALUES (?, ?)", [(c, g) for g, c in found]
        )


def m009_sources(db: sqlite_utils.Database) -> None:
    """Source metadata per document (a message's sender and date, a note's tags, a paper's
    authors and collections: store/source_meta.py), which search filters on; and what
    incremental indexing remembers of a source it reads in parts (an mbox's byte offset)."""
    db.executescript(
        """
        CREATE TABLE document_meta (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            origin TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (document_id, origin, key, value)
        );
        CREATE INDEX document_meta_key ON document_meta(key, value);
        CREATE TABLE source_state (
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            state TEXT NOT NULL,
            PRIMARY KEY (collection_id, path)
        );
        """
    )


REEMBED_SIDE_TABLE = (
    "CREATE TABLE reembed_vectors (chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) "
    "ON DELETE CASCADE, vec BLOB NOT NULL)"
)


def m010_reembed_side(db: sqlite_utils.Database) -> None:
    """The new model's vectors while a change of embedding model is re-embedding the library
    (store/catalog.py): the live ``vectors`` stay searchable until the swap. A chunk removed
    meanwhile takes its side vector with it."""
    db.execute(REEMBED_SIDE_TABLE)


MIGRATIONS: list[tuple[str, Migration]] = [
    ("m001_initial", m001_initial),
    ("m002_chats", m002_chats),
    ("m003_answer_log", m003_answer_log),
    ("m005_answer_feedback", m005_answer_feedback),
    ("m006_document_cards", m006_document_cards),
    ("m007_chunk_kind", m007_chunk_kind),
    ("m008_chunk_grams", m008_chunk_grams),
    ("m009_sources", m009_sources),
    ("m010_reembed_side", m010_reembed_side),
]


def migrate(db: sqlite_utils.Database) -> None:
    """Apply every migration not yet recorded, each in its own transaction."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied REAL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            step(db)
            db.execute(
                "INSERT INTO _migrations (name, applied) VALUES (?, julianday('now'))", [name]
            )
