"""The routing rule: what a question asks for, and when whole documents are read."""

from __future__ import annotations

import pytest

from sourcewise.core.answer.routing import decide, kind_of, list_topic, points_at_a_document


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Summarize this report", "summary"),
        ("What are the key findings?", "summary"),
        ("What is this document about?", "summary"),
        ("What does the handbook say about remote work?", "answer"),
        ("List every deadline in these minutes", "list"),
        ("Can you list the attendees?", "list"),
        ("What are all the action items?", "list"),
        ("Does every employee get a parking space?", "answer"),
        ("Every how many minutes do ferries depart?", "answer"),
        ("Compare the pump manual v2 and v3", "compare"),
        ("What changed between version 2 and 3 of the manual?", "compare"),
        ("How did passenger numbers change from 2024 to 2025?", "answer"),
        ("How long are backups kept?", "answer"),
    ],
)
def test_kind_of(question: str, kind: str) -> None:
    assert kind_of(question) == kind


def test_whole_documents_need_something_to_read() -> None:
    assert decide("summary", 1).mode == "document"
    assert decide("summary", 0).mode == "passages"
    assert decide("compare", 1).mode == "passages"  # a comparison needs two documents
    assert decide("compare", 2).mode == "document"
    assert decide("answer", 1).mode == "passages"
    assert decide("answer", 1, forced="document").mode == "document"
    assert decide("summary", 1, forced="passages").mode == "passages"
    assert "scope" in decide("answer", 0, forced="document").reason


def test_this_report_points_at_one_document() -> None:
    assert points_at_a_document("Summarize this report")
    assert points_at_a_document("What is the whole manual about?")
    assert not points_at_a_document("Summarize the findings on fuel costs")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("List every action item in the meeting notes", "action item"),
        ("Which deadlines are mentioned in the report?", "deadlines"),
        ("Can you list the attendees?", "attendees"),
        ("every deadline", "deadline"),
        ("List all", "List all"),  # nothing left: the question itself
    ],
)
def test_list_topic_drops_the_cue_and_the_document(question: str, topic: str) -> None:
    assert list_topic(question) == topic
