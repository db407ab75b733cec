"""The source filters on the command line: --sender, --after/--before, --tag, --field and
--zotero-collection narrow search and ask; a bad date or field is a one-line usage error."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.test_index_search_cli import run
from tests.ingest.sources_corpus import Paper, append_mbox, message, zotero_library


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    append_mbox(root / "inbox.mbox", [
        message("Alice Smith <alice@example.org>", "me@example.org", "Ferry", "The ferry leaves "
                "at nine.", when=datetime(2024, 3, 5, 10), msgid="a@x"),
        message("Carol Jones <carol@example.org>", "me@example.org", "Ferry", "The ferry is late "
                "today.", when=datetime(2024, 7, 1, 10), msgid="c@x"),
    ])  # fmt: skip
    (root / "notes").mkdir()
    (root / "notes" / "ferry.md").write_text("---\ntags: [travel]\n---\nFerry times are posted.")
    zotero_library(root / "Zotero", [Paper("I0000001", "Ferries of the north", [("Smith", "J.")],
                   "2021-00-00 2021", "Sea Journal", ["Ferry routes shape towns."], ["Thesis"])])  # fmt: skip
    return root


def _paths(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> set[str]:
    code, out, err = run(capsys, home, "search", "ferry", "-k", "10", "--json", *args)
    assert code == 0, err
    return {Path(h["path"]).name for h in json.loads(out)}


def test_search_filters_by_source_metadata(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, library: Path
) -> None:
    home = tmp_path / "home"
    assert run(capsys, home, "index", str(library))[0] == 0
    assert _paths(capsys, home, "--sender", "alice") == {"a@x.eml"}
    assert _paths(capsys, home, "--after", "2024-06-01") == {"c@x.eml"}
    assert _paths(capsys, home, "--before", "2024-04-01", "--type", "eml") == {"a@x.eml"}
    assert _paths(capsys, home, "--tag", "travel") == {"ferry.md"}
    assert _paths(capsys, home, "--zotero-collection", "Thesis") == {
        "Smith - Ferries of the north.pdf"
    }
    code, out, _ = run(capsys, home, "ask", "When does the ferry leave?", "--sender", "alice",
                       "--json")  # fmt: skip
    cited = json.loads(out)["citations"]
    assert code == 0 and cited and cited[0]["cited_as"].startswith("Alice Smith, 2024-03-05")


def test_bad_filter_values_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, tmp_path / "home", "search", "x", "--after", "last tuesday")
    assert code == 1 and "--after expects a date" in err and "Traceback" not in err
    code, _, err = run(capsys, tmp_path / "home", "search", "x", "--field", "status")
    assert code == 1 and "KEY=VALUE" in err
