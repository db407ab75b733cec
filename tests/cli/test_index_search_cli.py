"""The command line: JSON outputs, exit codes (0 ok, 1 user error, 2 usage), no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sourcewise.core.cli.main import main

FAKES = ["--set", 'embed.model="hash"', "--set", 'llm.model="echo"', "--set",
         "retrieval.rerank=false", "--set", 'index.parse_mode="thread"']  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(home), *FAKES, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "guide.md").write_text("# Setup\n\nInstall the widget with the blue lever.\n")
    (root / "sub" / "faq.txt").write_text("The widget warranty lasts two years.")
    (root / "bad.pdf").write_bytes(b"%PDF-1.7 truncated garbage")
    return root


def test_index_status_search_remove_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, docs: Path
) -> None:
    home = tmp_path / "home"
    code, out, _ = run(capsys, home, "index", str(docs), "--collection", "kb", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["files_indexed"] == 2 and report["files_failed"] == 1
    assert report["failures"][0]["status"] == "corrupt"

    code, out, _ = run(capsys, home, "status", "--json", "--files")
    status = json.loads(out)
    assert code == 0 and status["documents"] == 2 and status["collections"] == {"kb": 2}
    assert status["failed"][0]["path"].endswith("bad.pdf")
    assert {f["status"] for f in status["files"]} == {"indexed", "corrupt"}

    code, out, _ = run(capsys, home, "search", "warranty years", "-k", "2", "--json")
    hits = json.loads(out)
    assert code == 0 and hits[0]["path"].endswith("faq.txt")
    assert set(hits[0]) == {
        "reference",
        "rank",
        "score",
        "path",
        "page",
        "chunk_id",
        "heading",
        "text",
        "start",
        "end",
        "document_title",
        "kind",
    }
    assert hits[0]["rank"] == 1 and hits[0]["document_title"] == "faq"

    code, out, _ = run(capsys, home, "search", "lever", "--type", "md", "--json")
    assert [h["path"].endswith("guide.md") for h in json.loads(out)] == [True]
    assert json.loads(out)[0]["heading"] == "Setup"

    code, out, _ = run(capsys, home, "remove", str(docs / "sub"), "--json")
    assert code == 0 and json.loads(out) == {"removed": 1}


def test_status_does_not_count_failed_files_as_documents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, docs: Path
) -> None:
    home = tmp_path / "home"
    assert run(capsys, home, "index", str(docs), "--collection", "kb")[0] == 0
    code, out, _ = run(capsys, home, "status")
    first, collection = out.splitlines()[:2]
    assert code == 0 and first.startswith("2 documents, 1 failed,")
    assert collection.strip() == "collection kb: 2 documents"
    assert "bad.pdf" in out


def test_user_error_is_one_line_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, tmp_path / "home", "index", str(tmp_path / "missing"))
    assert code == 1
    assert err.strip().startswith("error: no such file or folder")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_date_filter_is_a_user_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, tmp_path / "home", "search", "x", "--since", "yesterday")
    assert code == 1 and "--since" in err


def test_bad_setting_is_a_user_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["--data-dir", str(tmp_path), "--set", "retrieval.k=0", "status"])
    assert code == 1
    assert "retrieval.k" in capsys.readouterr().err


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path), "no-such-command"]) == 2
    assert main(["--data-dir", str(tmp_path), "search"]) == 2  # missing QUERY
    assert main(["--data-dir", str(tmp_path), "--set", "oops", "status"]) == 2


def test_config_json_shows_effective_settings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, tmp_path / "home", "config", "--json")
    data = json.loads(out)
    assert code == 0 and data["embed"]["model"] == "hash" and data["retrieval"]["rerank"] is False


def test_entry_point_exit_codes(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("sourcewise")
    ok = subprocess.run([str(exe), "--data-dir", str(tmp_path), *FAKES, "status", "--json"],
                        capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["documents"] == 0
    bad = subprocess.run([str(exe), "--data-dir", str(tmp_path), "index", str(tmp_path / "nope")],
                         capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    usage = subprocess.run(
        [str(exe), "--bogus"], capture_output=True, text=True, timeout=60, check=False
    )
    assert usage.returncode == 2
