"""``POST /v1/feedback``: a reply's ``answer_id`` names the answer a rating is for."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from sourcewise.core.engine import Engine
from sourcewise.core.server.app import create_app

QUESTION = {"messages": [{"role": "user", "content": "How long is the Falcon X2 warranty?"}]}


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine)) as c:
        yield c


def _streamed_id(client: TestClient) -> int:
    with client.stream("POST", "/v1/chat/completions", json={**QUESTION, "stream": True}) as r:
        events = [line.removeprefix("data: ") for line in r.iter_lines()
                  if line.startswith("data: ")]  # fmt: skip
    final = json.loads(events[-2])  # the last chunk before [DONE]
    answer_id = final["answer_id"]
    assert isinstance(answer_id, int)
    return answer_id


def test_a_rating_lands_on_the_reply_it_names(client: TestClient, engine: Engine) -> None:
    first = client.post("/v1/chat/completions", json=QUESTION).json()
    second = client.post("/v1/chat/completions", json=QUESTION).json()
    assert first["choices"][0]["message"] == second["choices"][0]["message"]  # same words
    assert second["answer_id"] == first["answer_id"] + 1
    streamed = _streamed_id(client)
    assert streamed == second["answer_id"] + 1
    r = client.post("/v1/feedback", json={"answer_id": second["answer_id"], "rating": "down",
                                          "comment": "missing the battery terms"})  # fmt: skip
    assert r.status_code == 200 and r.json() == {"answer_id": second["answer_id"], "rating": -1}
    assert client.post("/v1/feedback", json={"answer_id": streamed, "rating": 1}).status_code == 200
    rows = engine.answers.log()
    assert [(r.rating, r.comment) for r in rows] == [
        (None, ""), (-1, "missing the battery terms"), (1, "")]  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [[], {"rating": 1}, {"answer_id": "1", "rating": 1}, {"answer_id": 1, "rating": 2},
     {"answer_id": 1, "rating": True}, {"answer_id": 1, "rating": [1]},
     {"answer_id": 1, "rating": 1, "comment": 5}],
)  # fmt: skip
def test_bad_feedback_is_a_400(client: TestClient, body: object) -> None:
    r = client.post("/v1/feedback", json=body)
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"


def test_feedback_on_an_unknown_answer_is_a_404(client: TestClient) -> None:
    r = client.post("/v1/feedback", json={"answer_id": 424242, "rating": "up"})
    assert r.status_code == 404 and "no answer with id 424242" in r.json()["error"]["message"]
