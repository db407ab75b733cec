"""The chat-model contract on the echo fake (fast) and on the default chat model (``-m real``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sourcewise.core.factory import make_chat_model
from sourcewise.core.llm.base import ChatModel
from sourcewise.core.llm.llama import LlamaChatModel
from sourcewise.core.settings import Settings
from sourcewise.core.testing import EchoChatModel, ScriptedChatModel
from sourcewise.core.testing.contracts import ChatModelContract
from tests.contracts.conftest import installed


class TestEchoChatModel(ChatModelContract):
    @pytest.fixture
    def chat_model(self) -> ChatModel:
        return EchoChatModel()


class TestScriptedChatModel(ChatModelContract):
    @pytest.fixture
    def chat_model(self) -> ChatModel:
        return ScriptedChatModel("1 2 3 4 5 6 7 8 9 10")


@pytest.mark.real
class TestDefaultChatModel(ChatModelContract):
    """The shipped default (qwen2.5-coder-1.5b on llama.cpp), built by the product's factory
    and loaded once; every prompt is tiny and every reply at most 16 tokens."""

    @pytest.fixture(scope="class")
    @classmethod
    def chat_model(cls, real_settings: Settings) -> Iterator[ChatModel]:
        model = make_chat_model(real_settings, installed(real_settings, real_settings.llm.model))
        assert isinstance(model, LlamaChatModel)
        model.warm_up()
        yield model
        model.close()
