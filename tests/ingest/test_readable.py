"""Unreadable text (a repaired PDF's noise, a binary file saved as text) is not indexed: the
page is left out with a warning, and a file with nothing readable fails as corrupt."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.ingest.readable import garbage_share, without_unreadable

NOISE = "\ufffd-\ufffdX\ufffdQ\ufffdH\ufffd\x07\ufffd\ue012\ufffd" * 20
GOOD = "Backups are kept for 35 days; monthly backups are kept for 7 years."


def test_garbage_share_counts_replacement_control_and_private_use_characters() -> None:
    assert garbage_share(GOOD) == 0.0
    assert garbage_share("Caf\ufffd au lait is served from noon until two o'clock.") < 0.05
    assert garbage_share(NOISE) > 0.5
    assert garbage_share("   \n\t ") == 0.0


def test_an_unreadable_page_is_dropped_with_a_warning_and_the_rest_kept() -> None:
    doc = ParsedDocument(
        blocks=[Block(GOOD, page=1), Block(NOISE, page=2), Block(NOISE[:40], page=2)],
        file_type="pdf",
        page_count=2,
    )
    out = without_unreadable(doc)
    assert [b.page for b in out.blocks] == [1]
    assert out.warnings == [
        "page 2: unreadable text (mostly replacement or control characters), not indexed"
    ]


def test_a_document_with_nothing_readable_fails_as_corrupt() -> None:
    doc = ParsedDocument(blocks=[Block(NOISE, page=1)], file_type="pdf", page_count=1)
    with pytest.raises(ParseError) as err:
        without_unreadable(doc)
    assert err.value.kind == "corrupt" and "no readable text" in str(err.value)


def test_a_garbage_file_is_not_indexed_and_its_status_says_why(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "policy.txt").write_text(GOOD, encoding="utf-8")
    (folder / "repaired.txt").write_text(NOISE, encoding="utf-8")
    report = engine.library.index([folder])
    assert report.files_indexed == 1
    failed = {Path(f.path).name: f for f in engine.library.status().failed}
    assert "no readable text" in failed["repaired.txt"].message
    hits = engine.library.search("monthly backups", k=5)
    assert hits and all(Path(h.path).name == "policy.txt" for h in hits)
