"""A team library end to end: ``sourcewise --set store.backend=postgres --set store.url=…``
with ``index``, ``search`` and ``ask`` on the test PostgreSQL (tests/pg.py), and the settings
that keep its password out of files and screens."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sourcewise.core.cli.main import main
from sourcewise.core.settings import load_settings, save_settings

FAKES = ["--set", 'embed.model="hash"', "--set", 'llm.model="echo"',
         "--set", "retrieval.rerank=false", "--set", 'index.parse_mode="thread"']  # fmt: skip
Run = Callable[..., tuple[int, str]]
QUESTION = "How long is the warranty of the Falcon X2 drone?"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``sourcewise`` on the team library at a URL: (exit code, stdout and stderr)."""

    def invoke(home: Path, url: str, *args: str) -> tuple[int, str]:
        team = ["--set", 'store.backend="postgres"', "--set", f"store.url={url}"]
        code = main(["--data-dir", str(home), *FAKES, *team, *args])
        out, err = capsys.readouterr()
        return code, out + err

    return invoke


def test_index_search_and_ask_on_a_team_library(
    run: Run, tmp_path: Path, docs: Path, pg_url: str
) -> None:
    indexer, reader = tmp_path / "indexer-home", tmp_path / "reader-home"
    code, out = run(indexer, pg_url, "index", str(docs), "--json")
    assert code == 0 and json.loads(out)["files_indexed"] == 2
    assert not (indexer / "index.db").exists()  # the library is the server's, not a local copy

    # Another machine (its own data dir, nothing indexed locally) searches the same library.
    code, out = run(reader, pg_url, "search", "warranty months", "-k", "2", "--json")
    hits = json.loads(out)
    assert code == 0 and hits[0]["path"].endswith("falcon.pdf") and hits[0]["page"] == 2

    code, out = run(reader, pg_url, "ask", QUESTION, "--json")
    answer = json.loads(out)
    assert code == 0 and answer["abstained"] is False
    assert answer["citations"][0]["path"].endswith("falcon.pdf")
    # The answer log stays with the person who asked, in their own data dir.
    assert (reader / "personal.db").exists() and not (reader / "index.db").exists()

    code, out = run(reader, pg_url, "status", "--json")
    assert code == 0 and json.loads(out)["documents"] == 2


def test_an_unreachable_server_is_one_clear_line(run: Run, tmp_path: Path) -> None:
    code, out = run(tmp_path / "home", "postgresql://alice@127.0.0.1:1/library", "status")
    assert code == 1
    assert "cannot reach the team library at postgresql://alice@127.0.0.1:1/library" in out
    assert "Traceback" not in out


def test_postgres_without_a_url_says_what_is_missing(run: Run, tmp_path: Path) -> None:
    code, out = run(tmp_path / "home", "", "status")
    assert code == 1 and "needs store.url" in out


def test_a_password_in_the_url_is_refused(run: Run, tmp_path: Path) -> None:
    code, out = run(tmp_path / "home", "postgresql://alice:s3cret@db.lan/library", "config")
    assert code == 1 and "must not hold the password" in out and "s3cret" not in out


def test_the_password_from_the_environment_is_masked_and_never_saved(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    monkeypatch.setenv("SOURCEWISE_STORE__PASSWORD", "s3cret")
    url = "postgresql://alice@db.lan/library"
    code, out = run(_isolated_home, url, "config")
    assert code == 0 and "s3cret" not in out
    [row] = [line for line in out.splitlines() if line.startswith("store.password")]
    assert "**********" in row
    code, out = run(_isolated_home, url, "config", "--json")
    assert code == 0 and "s3cret" not in out and "password" not in json.loads(out)["store"]

    settings = load_settings({"store": {"backend": "postgres", "url": url}})
    assert settings.store.password is not None
    assert settings.store.password.get_secret_value() == "s3cret"
    # Saved on purpose, even as a changed field: the file never gets it.
    text = save_settings(settings, changed=["store.password"]).read_text(encoding="utf-8")
    assert "s3cret" not in text and "password" not in text and url in text
