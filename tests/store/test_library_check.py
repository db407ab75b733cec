"""The team library's connection test (``factory.check_library``): read-only, and a sentence a
user can act on for each way it fails."""

from __future__ import annotations

from pathlib import Path

from sourcewise.core.factory import check_library
from sourcewise.core.settings import Settings
from tests.fakes import fake_engine


def _team(url: str, home: Path) -> Settings:
    return Settings(home=home, store={"backend": "postgres", "url": url})


def test_an_empty_database_is_found_and_left_as_it_was(tmp_path: Path, pg_url: str) -> None:
    first = check_library(_team(pg_url, tmp_path))
    assert first.ok and "holds no library yet" in first.summary
    assert check_library(_team(pg_url, tmp_path)) == first  # the test created no tables


def test_a_team_library_reports_its_documents_and_model(tmp_path: Path, pg_url: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b"):
        (docs / f"{name}.txt").write_text(f"Note {name}: the ferry leaves at nine.")
    engine = fake_engine(tmp_path / "home")
    try:
        team = engine.settings.model_copy(
            update={"store": engine.settings.store.model_copy(
                update={"backend": "postgres", "url": pg_url})}
        )  # fmt: skip
        engine.apply_settings(team)
        assert engine.library.index([docs]).files_indexed == 2
        check = check_library(team)
    finally:
        engine.close()
    assert check.ok and check.documents == 2
    assert f"holds 2 documents, embedded with {engine._parts.embedder.name}" in check.summary


def test_each_failure_says_what_is_wrong(tmp_path: Path, pg_server: str) -> None:
    refused = check_library(_team("postgresql://nobody@127.0.0.1:1/library", tmp_path))
    assert not refused.ok and refused.summary.startswith("The server is unreachable")
    unknown = check_library(_team("postgresql://nobody@no-such-host.invalid/library", tmp_path))
    assert not unknown.ok and "unreachable" in unknown.summary and "no-such-host" in unknown.detail
    malformed = check_library(_team("db.lan library", tmp_path))
    assert not malformed.ok and "not a valid libpq URL" in malformed.summary
    assert not check_library(_team("", tmp_path)).ok
    missing_db = _with_database(pg_server, "no_such_library")
    missing = check_library(_team(missing_db, tmp_path))
    assert not missing.ok and "does not exist" in missing.summary, missing


def test_this_computers_library_needs_no_test(tmp_path: Path) -> None:
    check = check_library(Settings(home=tmp_path))
    assert check.ok and str(tmp_path) in check.summary


def _with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` (the path part of a libpq URL)."""
    head, _, rest = url.partition("://")
    authority, _, tail = rest.partition("/")
    query = tail.partition("?")[2]
    return f"{head}://{authority}/{name}" + (f"?{query}" if query else "")
