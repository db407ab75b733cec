"""What every :class:`~sourcewise.core.llm.base.ChatModel` must do, as inheritable tests.

Answers stream piece by piece into the UI, stop within a piece of a cancel, stay inside
``max_tokens``; the answerability check reads first-token log-probabilities of "Yes"/"No".
Prompts are tiny and budgets small so a real model passes the whole set in seconds.
"""

from __future__ import annotations

import math

import pytest

from sourcewise.core.llm.base import ChatModel, Message
from sourcewise.core.progress import CancelToken


def _user(content: str) -> tuple[Message, ...]:
    return ({"role": "user", "content": content},)


class ChatModelContract:
    """Inherit in a ``Test...`` class and override the ``chat_model`` fixture; for a real model
    make it a class-scoped classmethod, so the model loads once (see the package doc)."""

    # A prompt whose reply has several pieces at any model size.
    counting = _user("Count from 1 to 20, separated by spaces.")
    question = _user("Is Paris the capital of France? Answer Yes or No.")
    max_tokens = 16  # the budget of the "long" replies; kept small for real models
    short_max_tokens = 3
    # Pieces a stream may still yield after its cancel is set ("soon": the model checks
    # between pieces, and one may be in flight).
    cancel_slack = 1

    @pytest.fixture
    def chat_model(self) -> ChatModel:
        raise NotImplementedError("override the chat_model fixture with the model to test")

    def reply(self, model: ChatModel, max_tokens: int | None = None) -> list[str]:
        pieces = model.stream_chat(self.counting, max_tokens=max_tokens or self.max_tokens,
                                   temperature=0.0)  # fmt: skip
        return list(pieces)

    def test_it_has_a_name_and_a_context_size(self, chat_model: ChatModel) -> None:
        assert isinstance(chat_model.name, str) and chat_model.name
        assert isinstance(chat_model.context_size, int) and chat_model.context_size > 0
        chat_model.warm_up()
        chat_model.warm_up()  # a second warm-up is harmless

    def test_token_counts_are_positive_and_grow_with_the_text(self, chat_model: ChatModel) -> None:
        one = chat_model.count_tokens("The ferry leaves at noon.")
        assert one > 0
        assert chat_model.count_tokens("The ferry leaves at noon. " * 3) > one

    def test_a_reply_streams_as_text_pieces(self, chat_model: ChatModel) -> None:
        pieces = self.reply(chat_model)
        assert pieces and all(isinstance(p, str) for p in pieces)
        assert "".join(pieces).strip()

    def test_temperature_zero_gives_the_same_reply_twice(self, chat_model: ChatModel) -> None:
        assert "".join(self.reply(chat_model)) == "".join(self.reply(chat_model))

    def test_a_small_max_tokens_cuts_the_reply_short(self, chat_model: ChatModel) -> None:
        """Greedy decoding with a smaller budget gives the start of the longer reply."""
        short = "".join(self.reply(chat_model, self.short_max_tokens))
        full = "".join(self.reply(chat_model))
        assert len(short) < len(full)
        assert full.startswith(short.rstrip())
        # re-tokenising the text may split it slightly differently from generation
        assert chat_model.count_tokens(short) <= self.short_max_tokens + 2

    def test_a_cancel_after_the_first_piece_stops_the_stream(self, chat_model: ChatModel) -> None:
        assert len(self.reply(chat_model)) > 1 + self.cancel_slack  # enough to cut short
        token = CancelToken()
        after_cancel = -1  # the first piece arrives before the cancel
        stream = chat_model.stream_chat(self.counting, max_tokens=self.max_tokens,
                                        temperature=0.0, cancel=token)  # fmt: skip
        for _ in stream:
            token.cancel()
            after_cancel += 1
        assert 0 <= after_cancel <= self.cancel_slack

    def test_a_cancel_before_the_call_yields_next_to_nothing(self, chat_model: ChatModel) -> None:
        token = CancelToken()
        token.cancel()
        pieces = list(chat_model.stream_chat(self.counting, max_tokens=self.max_tokens,
                                             temperature=0.0, cancel=token))  # fmt: skip
        assert len(pieces) <= self.cancel_slack

    def test_choice_logprobs_give_one_log_probability_per_option(
        self, chat_model: ChatModel
    ) -> None:
        logprobs = chat_model.choice_logprobs(self.question, ["Yes", "No"])
        assert set(logprobs) == {"Yes", "No"}
        assert all(math.isfinite(lp) and lp <= 0.0 for lp in logprobs.values()), logprobs
        # distinct first tokens of one distribution: their probabilities add up to at most 1
        assert sum(math.exp(lp) for lp in logprobs.values()) <= 1.0 + 1e-6

    def test_an_obvious_yes_question_favours_yes(self, chat_model: ChatModel) -> None:
        logprobs = chat_model.choice_logprobs(self.question, ["Yes", "No"])
        assert logprobs["Yes"] > logprobs["No"], logprobs
