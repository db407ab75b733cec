"""``llm.backend = "openai"`` against a tiny OpenAI-compatible server in the test (fast).

The real llama-cpp-python server is in test_openai_real.py (``-m real``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourcewise.core.cli.main import cli, main
from sourcewise.core.errors import ConfigError, ModelError
from sourcewise.core.factory import build_engine
from sourcewise.core.llm.base import LogprobsUnavailable, Message
from sourcewise.core.llm.openai_server import OpenAIServerChatModel, estimate_tokens
from sourcewise.core.llm.server_http import ServerClient
from sourcewise.core.progress import CancelToken
from sourcewise.core.settings import LLMSettings, Settings, load_settings, save_settings
from sourcewise.core.testing import HashEmbedder
from tests.llm.openai_fakes import FakeOpenAIServer, free_port

Q = "How long is the warranty of the Falcon X2 drone?"
HELLO: list[Message] = [{"role": "user", "content": "[1] a.txt\nThe sky is blue. More.\n\nQ?"}]


def _model(url: str, **llm: object) -> OpenAIServerChatModel:
    return OpenAIServerChatModel(LLMSettings(backend="openai", base_url=url, **llm))  # type: ignore[arg-type]


def _engine_settings(home: Path, url: str, **answer: object) -> Settings:
    return Settings(home=home, models_dir=home / "m", index={"parse_mode": "thread"},
                    llm={"backend": "openai", "base_url": url}, answer=answer)  # fmt: skip


def test_streams_counts_with_the_servers_tokenizer_and_judges() -> None:
    with FakeOpenAIServer(n_ctx=2048) as server:
        model = _model(server.url.removesuffix("/v1"))  # /v1 is added when left out
        reply = "".join(model.stream_chat(HELLO, max_tokens=50, temperature=0.1))
        assert reply == "The sky is blue. [1] "
        assert model.name == "fake-model" and model.context_size == 2048  # /props: smaller
        assert model.count_tokens("three small words") == 3
        assert model.count_tokens("three small words") == 3  # remembered, not asked again
        assert server.paths().count("/tokenize") == 1
        logprobs = model.choice_logprobs(HELLO, ["Yes", "No", "Maybe"])
        assert logprobs["Yes"] == pytest.approx(-0.105, abs=1e-3)
        assert logprobs["Maybe"] == logprobs["No"]  # unlisted: no likelier than the least listed
        chat = [b for p, b in server.requests if p == "/v1/chat/completions"]
        assert chat[0]["stream"] is True and chat[0]["model"] == "fake-model"
        assert chat[1]["max_tokens"] == 1 and chat[1]["logprobs"] is True


def test_without_a_tokenizer_or_logprobs_counts_are_estimated_and_nothing_is_judged() -> None:
    with FakeOpenAIServer(tokenizer=False, logprobs=False) as server:
        model = _model(server.url)
        text = "Invoice 2024-03-17 totals 1,234.50 EUR."
        assert model.count_tokens(text) == estimate_tokens(text)
        probes = len(server.requests)  # each known tokenize endpoint, tried once
        assert model.count_tokens("another text") == estimate_tokens("another text")
        assert len(server.requests) == probes  # the missing tokenizer is remembered
        assert model.context_size == 4096  # llm.context_size: the server names no window
        with pytest.raises(LogprobsUnavailable, match="gives no log-probabilities"):
            model.choice_logprobs(HELLO, ["Yes", "No"])
        with pytest.raises(LogprobsUnavailable):
            model.choice_logprobs(HELLO, ["Yes", "No"])
        assert server.paths().count("/v1/chat/completions") == 1  # not asked twice


def test_the_estimate_errs_high_and_counts_dense_scripts_per_character() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abc def") == 3  # 7 letters and spaces: 7 / 3, rounded up
    assert estimate_tokens("12.5") == 4  # digits and punctuation: one each
    assert estimate_tokens("保修期") == 6  # CJK: two each


def test_a_server_that_dies_mid_answer_is_a_clear_model_error() -> None:
    with FakeOpenAIServer(drop_after=2) as server:
        model = _model(server.url)
        pieces: list[str] = []
        with pytest.raises(ModelError, match="closed the connection mid-answer"):
            pieces.extend(model.stream_chat(HELLO, max_tokens=50, temperature=0.1))
        assert pieces == ["The ", "sky "]


def test_cancel_stops_the_stream(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        cancel = CancelToken()
        pieces = []
        for piece in _model(server.url).stream_chat(HELLO, max_tokens=50, temperature=0.1,
                                                    cancel=cancel):  # fmt: skip
            pieces.append(piece)
            cancel.cancel()
        assert pieces == ["The "]


def test_unreachable_servers_and_unknown_models_are_named_in_the_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(
        ModelError, match=re.escape(f"cannot reach the model server at {url}: connection refused")
    ):
        _model(url).warm_up()
    with FakeOpenAIServer(models=("llama3.2:latest", "qwen2.5:7b")) as server:
        assert _model(server.url, api_model="llama3.2").name == "llama3.2"
        found = _model(server.url, api_model="llama3.2")
        found.warm_up()
        assert found.name == "llama3.2:latest"  # Ollama's tag
        with pytest.raises(
            ModelError, match=r"has no model 'mistral' \(it has: llama3.2:latest, qwen2.5:7b\)"
        ):
            _model(server.url, api_model="mistral").warm_up()
    with pytest.raises(ConfigError, match=r"invalid setting llm\.base_url"):
        load_settings({"llm": {"base_url": "ftp://host/v1"}})
    with pytest.raises(ModelError, match="must start with http"):
        ServerClient("file:///v1")


def test_ask_json_through_the_server_has_the_same_shape_and_citations(
    tmp_path: Path, docs: Path
) -> None:
    home = tmp_path / "home"
    with FakeOpenAIServer() as server:
        flags = ["--data-dir", str(home), "--set", 'embed.model="hash"', "--set", "retrieval.rerank=false",
                 "--set", 'index.parse_mode="thread"', "--set", 'llm.backend="openai"',
                 "--set", f'llm.base_url="{server.url}"', "--set", 'llm.api_model="fake-model"']  # fmt: skip
        assert CliRunner().invoke(cli, [*flags, "index", str(docs)]).exit_code == 0
        result = CliRunner().invoke(cli, [*flags, "ask", Q, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"answer", "citations", "abstained", "timings", "uncited", "reason",
                         "answer_id", "mode"}  # fmt: skip
    assert not data["abstained"] and "18 months" in json.dumps(data["citations"])
    [cite] = data["citations"]
    assert cite["path"].endswith("falcon.pdf") and cite["page"] == 2
    assert data["timings"]["prompt_tokens"] > 0 and data["timings"]["ttft_ms"] > 0


def test_the_cli_fails_in_one_line_when_the_server_is_gone(
    tmp_path: Path, docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    base = ["--data-dir", str(home), "--set", 'embed.model="hash"', "--set", "retrieval.rerank=false",
            "--set", 'index.parse_mode="thread"', "--set", 'llm.backend="openai"']  # fmt: skip
    assert main([*base, "index", str(docs)]) == 0
    with FakeOpenAIServer(drop_after=3) as server:
        code = main([*base, "--set", f'llm.base_url="{server.url}"', "ask", "Falcon X2 warranty?"])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        err.strip() == f"error: the model server at {server.url} closed the connection mid-answer"
    )
    url = f"http://127.0.0.1:{free_port()}/v1"
    assert main([*base, "--set", f'llm.base_url="{url}"', "ask", "Falcon X2 warranty?"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: cannot reach the model server at {url}: connection refused"
    )


def test_a_server_model_is_judged_only_with_an_explicit_threshold(
    tmp_path: Path, docs: Path
) -> None:
    with FakeOpenAIServer(p_yes=0.1) as server:
        # The manifest's threshold belongs to the built-in model, not to the server's.
        engine = build_engine(_engine_settings(tmp_path / "a", server.url), embedder=HashEmbedder(),
                              reranker=None)  # fmt: skip
        engine.library.index([docs])
        answer = engine.answers.ask(Q)
        assert not answer.abstained and answer.answerable is None
        assert not any(body.get("logprobs") for _path, body in server.requests if body)
        engine.close()
        strict = _engine_settings(tmp_path / "b", server.url, answerable_threshold=0.5)
        engine = build_engine(strict, embedder=HashEmbedder(), reranker=None)
        engine.library.index([docs])
        answer = engine.answers.ask(Q)
        assert answer.abstained and answer.answerable == pytest.approx(0.1)
        engine.close()
    with FakeOpenAIServer(logprobs=False) as server:  # no log-probabilities: not judged
        strict = _engine_settings(tmp_path / "c", server.url, answerable_threshold=0.5)
        engine = build_engine(strict, embedder=HashEmbedder(), reranker=None)
        engine.library.index([docs])
        answer = engine.answers.ask(Q)
        assert not answer.abstained and answer.answerable is None and answer.citations
        engine.close()


def test_changing_the_server_rebuilds_the_chat_model_and_connects_nothing(tmp_path: Path) -> None:
    settings = _engine_settings(tmp_path, "http://127.0.0.1:1/v1")
    engine = build_engine(settings, embedder=HashEmbedder(), reranker=None)
    assert isinstance(engine._parts.chat_model, OpenAIServerChatModel)
    new = settings.model_copy(update={"llm": settings.llm.model_copy(
        update={"base_url": "http://127.0.0.1:2/v1", "api_model": "other"})})  # fmt: skip
    assert engine.apply_settings(new) == {"chat_model"}
    assert isinstance(engine._parts.chat_model, OpenAIServerChatModel)
    assert engine._parts.chat_model.client.url == "http://127.0.0.1:2/v1"
    engine.close()


def test_the_api_key_is_sent_kept_in_the_file_and_shown_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCEWISE_LLM__API_KEY", "sk-local-123")
    settings = load_settings({"home": str(tmp_path)})
    shown = repr(settings) + str(settings.model_dump(mode="json"))
    assert "sk-local-123" not in shown
    with FakeOpenAIServer() as server:
        model = _model(server.url, api_key=settings.llm.api_key)
        model.warm_up()
        assert model.count_tokens("a b") == 2
        assert {h["Authorization"] for h in server.headers} == {"Bearer sk-local-123"}
    monkeypatch.delenv("SOURCEWISE_LLM__API_KEY")
    saved = load_settings({"home": str(tmp_path), "llm": {"api_key": "sk-file-456"}})
    path = save_settings(saved, tmp_path / "settings.toml", changed=["llm.api_key"])
    assert 'api_key = "sk-file-456"' in path.read_text()
    assert load_settings(config_file=path).llm.api_key.get_secret_value() == "sk-file-456"  # type: ignore[union-attr]
