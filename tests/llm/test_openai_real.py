"""``llm.backend = "openai"`` against llama-cpp-python's real server on SmolLM2 (``-m real``):
streaming, its tokenizer, log-probabilities, ``sourcewise ask --json`` with the same shape as
the in-process backend, and a server killed mid-answer."""

from __future__ import annotations

import json
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourcewise.core.cli.main import cli
from sourcewise.core.errors import ModelError
from sourcewise.core.llm.base import Message
from sourcewise.core.llm.openai_server import OpenAIServerChatModel, estimate_tokens
from sourcewise.core.settings import LLMSettings
from tests.answer.conftest import real_models_dir
from tests.llm.openai_fakes import llama_server

pytestmark = pytest.mark.real

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
ASK: list[Message] = [{"role": "user", "content": "Write a long story about a lighthouse."}]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with llama_server(real_models_dir() / GGUF, log) as (url, _proc):
        yield url


def _model(url: str) -> OpenAIServerChatModel:
    return OpenAIServerChatModel(LLMSettings(backend="openai", base_url=url, api_model="smollm2"))


def _own_count(text: str) -> int:
    """SmolLM2's token count for ``text``, from its GGUF vocabulary in this process."""
    import llama_cpp

    vocab = llama_cpp.Llama(str(real_models_dir() / GGUF), vocab_only=True, verbose=False)
    try:
        return len(vocab.tokenize(text.encode(), add_bos=False, special=False))
    finally:
        vocab.close()


def test_streams_counts_tokens_and_reads_logprobs(server: str) -> None:
    model = _model(server)
    model.warm_up()
    assert model.name == "smollm2"
    pieces = list(model.stream_chat(ASK, max_tokens=8, temperature=0.0))
    assert len(pieces) > 1 and "".join(pieces).strip()
    text = "The lighthouse keeper logs the tides."
    assert model.count_tokens(text) == _own_count(text) != estimate_tokens(text)
    judged = [{"role": "user", "content": "Is the sky blue? Answer Yes or No."}]
    logprobs = model.choice_logprobs(judged, ["Yes", "No"])  # type: ignore[arg-type]
    assert set(logprobs) == {"Yes", "No"} and all(-30 < lp <= 0 for lp in logprobs.values())


def test_ask_json_has_the_in_process_shape_with_checked_citations(
    server: str, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "protocols.md").write_text("# Protocols\n\nVisitors sign in at the front desk. "
                                       "The zebra-lantern protocol number is 4711.\n")  # fmt: skip
    (docs / "site.md").write_text("# Site\n\nThe canteen serves lunch from noon until two.\n")
    base = ["--data-dir", str(tmp_path / "home"), "--set", 'embed.model="hash"',
            "--set", 'index.parse_mode="thread"', "--set", "llm.max_tokens=48"]  # fmt: skip
    assert CliRunner().invoke(cli, [*base, "index", str(docs)]).exit_code == 0
    question = ["ask", "What is the zebra-lantern protocol number?", "--json"]
    served = CliRunner().invoke(cli, [*base, "--set", 'llm.backend="openai"', "--set",
                                      f'llm.base_url="{server}"', "--set", 'llm.api_model="smollm2"',
                                      *question])  # fmt: skip
    # The shape comes from the pipeline, not the model: the in-process echo fake shows it.
    built_in = CliRunner().invoke(cli, [*base, "--set", 'llm.model="echo"', *question])
    assert served.exit_code == 0 and built_in.exit_code == 0, served.output + built_in.output
    got, want = json.loads(served.stdout), json.loads(built_in.stdout)
    assert set(got) == set(want) and set(got["timings"]) == set(want["timings"])
    assert not got["abstained"] and got["citations"], got
    cite = got["citations"][0]
    assert set(cite) == set(want["citations"][0]) and cite["path"].endswith("protocols.md")
    assert cite["supported"] is not None  # checked by the cross-encoder, as built in
    assert got["timings"]["prompt_tokens"] > 0 and got["timings"]["ttft_ms"] > 0


def test_a_server_killed_mid_answer_is_a_clear_error(tmp_path: Path) -> None:
    with llama_server(real_models_dir() / GGUF, tmp_path / "server.log") as (url, proc):
        stream = _model(url).stream_chat(ASK, max_tokens=400, temperature=0.8)
        assert next(stream)
        proc.send_signal(signal.SIGKILL)
        with pytest.raises(
            ModelError,
            match=re.escape(f"the model server at {url} closed the connection mid-answer"),
        ):
            for _piece in stream:
                pass
