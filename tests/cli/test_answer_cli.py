"""``sourcewise ask`` and ``sourcewise chat`` through click's CliRunner with the fakes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourcewise.core.cli.main import cli
from sourcewise.core.engine.answers import Answers
from sourcewise.core.types import Answer, AskOptions

FAKES = ["--set", 'embed.model="hash"', "--set", 'llm.model="echo"',
         "--set", "retrieval.rerank=false", "--set", 'index.parse_mode="thread"']  # fmt: skip


def run(home: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--data-dir", str(home), *FAKES, *args], input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def indexed(tmp_path: Path, docs: Path) -> Path:
    home = tmp_path / "home"
    code, _ = run(home, "index", str(docs))
    assert code == 0
    return home


def test_ask_json_shape(tmp_path: Path, docs: Path) -> None:
    home = indexed(tmp_path, docs)
    code, out = run(home, "ask", "How long is the warranty of the Falcon X2 drone?", "--json")
    assert code == 0
    data = json.loads(out)
    # The original fields stay; issue 11 added uncited, reason and the token/total timings.
    assert set(data) == {"answer", "citations", "abstained", "timings", "uncited", "reason",
                         "answer_id", "mode"}  # fmt: skip
    assert set(data["timings"]) == {"retrieve_ms", "ttft_ms", "tokens_per_s", "total_ms",
                                    "prompt_tokens", "source_tokens"}  # fmt: skip
    assert data["abstained"] is False and "18 months" in json.dumps(data["citations"])
    [cite] = data["citations"]
    assert set(cite) == {
        "n",
        "path",
        "page",
        "chunk_id",
        "text",
        "supported",
        "quote",
        "reference",
        "cited_as",
    }
    assert cite["n"] == 1 and cite["path"].endswith("falcon.pdf") and cite["page"] == 2


def test_ask_streams_text_and_lists_sources(tmp_path: Path, docs: Path) -> None:
    home = indexed(tmp_path, docs)
    code, out = run(home, "ask", "How long is the warranty of the Falcon X2 drone?")
    assert code == 0
    assert "[1]" in out and "Sources:" in out and "falcon.pdf p.2" in out


def _streaming(streamed: str, final: str) -> Callable[..., Answer]:
    """An ``Answers.ask`` that streams ``streamed`` and returns ``final``."""

    def ask(self: Answers, question: str, options: AskOptions | None = None) -> Answer:
        assert options is not None and options.on_token is not None
        options.on_token(streamed)
        return Answer(question, final)

    return ask


@pytest.mark.parametrize(
    ("streamed", "shown"),
    [
        # The model cites its prompt's [2]; the sentence is in source [1], and so is the citation.
        (
            "The Heron costs 2190 euros [2].",
            "(citations corrected: The Heron costs 2190 euros [1].)",
        ),
        # A scale said twice is said once only in the whole answer.
        (
            "The Heron costs 2190 million million euros [1].",
            "(corrected: The Heron costs 2190 euros [1].)",
        ),
        # Spaces and the marker's place are no change.
        ("The Heron  costs 2190 euros. [1]", None),
    ],
)
def test_an_answer_that_changed_after_streaming_is_shown_again(
    tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch, streamed: str, shown: str | None
) -> None:
    home = indexed(tmp_path, docs)
    monkeypatch.setattr(Answers, "ask", _streaming(streamed, "The Heron costs 2190 euros [1]."))
    code, out = run(home, "ask", "What does a Heron cost?")
    assert code == 0
    if shown is None:
        assert "corrected" not in out
    else:
        assert shown in out


def test_ask_with_filters_that_match_nothing_abstains(tmp_path: Path, docs: Path) -> None:
    home = indexed(tmp_path, docs)
    code, out = run(home, "ask", "warranty?", "--type", "docx", "--json")
    assert code == 0 and json.loads(out)["abstained"] is True and json.loads(out)["citations"] == []


def test_ask_with_a_missing_adapter_fails_cleanly(tmp_path: Path, docs: Path) -> None:
    home = indexed(tmp_path, docs)
    (tmp_path / "none.gguf").write_bytes(b"GGUF")
    result = CliRunner().invoke(
        cli, ["--data-dir", str(home), "--set", 'embed.model="hash"', "--set", "retrieval.rerank=false",
              "--set", f'llm.path="{tmp_path / "none.gguf"}"', "ask", "q", "--adapter", "nope"],
    )  # fmt: skip
    assert result.exit_code != 0 and "LoRA adapter not found" in str(result.exception)


def test_chat_repl_stores_history_and_exports(tmp_path: Path, docs: Path) -> None:
    home = indexed(tmp_path, docs)
    export = tmp_path / "chat.md"
    script = (
        "How long is the warranty of the Falcon X2 drone?\n"
        "and for batteries?\n"
        f"/export {export}\n"
        "/bogus\n"
        "/new\n"
        "How should batteries be stored?\n"
    )  # ends with Ctrl-D (end of input)
    code, out = run(home, "chat", input=script)
    assert code == 0
    assert (
        out.count("Sources:") == 3 and f"saved {export}" in out and "unknown command /bogus" in out
    )
    md = export.read_text(encoding="utf-8")
    assert "**You:** and for batteries?" in md and "How should batteries be stored?" not in md
    import sqlite_utils

    from sourcewise.core.store.chats import ChatStore

    store = ChatStore(sqlite_utils.Database(home / "index.db"))
    first, second = sorted(store.conversations(), key=lambda c: c.id)
    assert (first.messages, second.messages) == (4, 2)


def test_chat_quit(tmp_path: Path, docs: Path) -> None:
    home = indexed(tmp_path, docs)
    code, out = run(home, "chat", input="/quit\nnever asked\n")
    assert code == 0 and "Sources:" not in out
