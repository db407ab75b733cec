"""The model server test behind the desktop's "Test connection": one request with a short
timeout, a sentence on what is wrong, never an exception (loopback only)."""

from __future__ import annotations

import socket
import time

import pytest
from pydantic import SecretStr

from sourcewise.core.llm.server_check import check_model_server
from sourcewise.core.settings import LLMSettings
from tests.llm.openai_fakes import FakeOpenAIServer


def test_a_server_that_accepts_but_never_answers_times_out() -> None:
    with socket.socket() as silent:  # the backlog accepts the connection; nobody replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        start = time.monotonic()
        check = check_model_server(LLMSettings(base_url=url), timeout_s=0.5)
    assert time.monotonic() - start < 5  # not READ_TIMEOUT_S (minutes)
    assert not check.ok and check.summary.startswith("The model server did not answer in time")
    assert "no reply in time" in check.detail


def test_a_wrong_path_is_named_and_the_first_model_is_the_default() -> None:
    with FakeOpenAIServer(models=("a", "b")) as server:
        wrong = check_model_server(LLMSettings(base_url=server.url.replace("/v1", "/api")))
        right = check_model_server(LLMSettings(base_url=server.url))
    assert not wrong.ok and "has no /v1/models" in wrong.summary and "HTTP 404" in wrong.detail
    assert right.ok and right.models == ("a", "b") and "will use “a”" in right.summary


def test_the_key_comes_from_api_key_first_then_the_named_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MY_SERVER_KEY", "sk-env")
    assert LLMSettings(api_key_env="MY_SERVER_KEY").resolved_api_key() == "sk-env"
    both = LLMSettings(api_key_env="MY_SERVER_KEY", api_key=SecretStr("sk-file"))
    assert both.resolved_api_key() == "sk-file"
    assert LLMSettings(api_key_env="UNSET_VARIABLE_HERE").resolved_api_key() is None
    assert LLMSettings().resolved_api_key() is None
    with pytest.raises(ValueError):
        LLMSettings(api_key_env="not a name")
