"""The degenerate-output checks on their own (the engine-level regressions are in
test_degenerate.py)."""

from __future__ import annotations

from sourcewise.core.answer import guard

LABELS = ["[1] procurement-policy.docx — Quotes and approvals", "[2] fleet-report-2024.pdf, page 4"]


def test_a_source_header_echo_is_detected() -> None:
    assert guard.echoes_sources("[1] procurement-policy.docx — Quotes and approvals\nAbove", LABELS)
    assert not guard.echoes_sources("Three written quotes are needed [1].", LABELS)


def test_markers_only() -> None:
    assert guard.markers_only("[1] [2] [3] [4] [5]")
    assert guard.markers_only("")
    assert guard.markers_only("[1], [2].")
    assert not guard.markers_only("Next to each exit [1].")
    assert not guard.markers_only("36,413 [1]")  # a figure alone answers "what was the margin"
    assert not guard.markers_only("Lateinisch [1].")


def test_a_repeating_answer_is_cut_where_it_repeats() -> None:
    loop = "The vans ran far [1]. The vans ran far [1]. The vans ran far [1]."
    assert guard.cut_repetition(loop) == "The vans ran far [1]."
    words = "one two three four five six seven " * 4
    assert guard.cut_repetition(words).split() == [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
    ]
    assert not guard.repeating("A single sentence [1].")


def test_a_cited_fact_followed_by_not_covered_keeps_the_fact() -> None:
    text = ("The electric vans ran 38,000 km, against 55,000 km for the diesel vans [2]. "
            "The documents do not cover it.")  # fmt: skip
    assert guard.drop_contradiction(text) == (
        "The electric vans ran 38,000 km, against 55,000 km for the diesel vans [2]."
    )


def test_a_plain_decline_is_kept() -> None:
    assert guard.drop_contradiction("The documents don't cover this.") == (
        "The documents don't cover this."
    )
    assert guard.is_decline("The documents don't cover this.")
    assert guard.is_decline("The sources do not mention the price.")
    assert not guard.is_decline("The warranty does not cover water damage [1].")


def test_one_definition_of_a_decline_for_the_answerer_and_evaluation() -> None:
    from sourcewise.core.answer.guard import is_decline
    from sourcewise.core.eval.metrics import declined

    said = ["The documents don't cover this.", "I don't know.", "This is not mentioned in the "
            "sources.", "The passages do not state the answer."]  # fmt: skip
    answers = ["The warranty is 18 months [1].", "Backups are kept for 30 days [2]."]
    assert all(is_decline(t) and declined(t) for t in said)
    assert not any(is_decline(t) or declined(t) for t in answers)


def test_a_chinese_answer_is_not_only_markers() -> None:
    assert not guard.markers_only("新版本的发布日期推迟到4月28日。 [1]")
    assert guard.markers_only("[1] [2] [3]")


def test_an_answer_is_shown_once_its_opening_rules_out_an_echo_or_a_decline() -> None:
    assert guard.undecided("The", LABELS)  # may become "The documents don't cover this."
    assert guard.undecided("The documents do", LABELS)
    assert guard.undecided("[1] procurement", LABELS)
    assert guard.undecided("procurement-policy.docx", LABELS)
    assert guard.undecided("Fleet-report", LABELS)  # the start of a source's name
    assert not guard.undecided("The daily", LABELS)
    assert not guard.undecided("Three written", LABELS)
    assert not guard.undecided("每日晚餐补贴", LABELS)  # a run of Chinese is words already
    assert not guard.undecided("The documents do not cover " + "x" * 40, LABELS)  # the cap


def test_a_short_answer_streams_before_the_reply_ends() -> None:
    from sourcewise.core.answer.generation import generate
    from sourcewise.core.testing import ScriptedChatModel

    seen: list[str] = []
    model = ScriptedChatModel("Dinner in New York is 55 USD [2].")
    out = generate(model, [{"role": "user", "content": "q"}], LABELS, max_tokens=64,
                   temperature=0.0, on_token=seen.append, cancel=None)  # fmt: skip
    assert out.problem is None and "".join(seen) == out.text
    assert len(seen) > 1  # streamed in pieces, not held back to the end as one (53 < 60 chars)


def test_a_reply_that_only_says_the_question_back_is_told_in_every_script() -> None:
    from sourcewise.core.answer.guard import restates_question

    question = "Wie nannte Luther die Messe anstelle von Opfer?"
    assert restates_question("Luther nannte die Messe anstelle von Opfer [1].", question)
    assert not restates_question("Luther nannte die Messe ein Geschenk [1].", question)
    arabic = "ماذا سمّى لوثر المجموعة عوضاً عن قربان؟"
    assert restates_question("لوثر المجموعة عوضاً عن قربان [1].", arabic)
    # The article joined to a word, and alef with its hamza, are the question's word still.
    disorders = "ما الذي يمكن أن ينجم عن اضطرابات الجهاز المناعي؟"
    assert restates_question("الإضطرابات الجهاز المناعي يمكن أن ينجم عن اضطرابات الجهاز المناعي. [1]",
                             disorders)  # fmt: skip
    assert not restates_question("أمراض المناعة الذاتية [1].", disorders)
    chinese = "特斯拉大部分时间都住在哪里？"
    assert restates_question("特斯拉大部分时间都住在 [1]。", chinese)
    assert not restates_question("特斯拉大部分时间都住在纽约酒店 [1]。", chinese)
    # A yes/no question may be answered in its own words.
    yes_no = "Does the policy allow remote work?"
    assert not restates_question("The policy does allow remote work [1].", yes_no)
    # Said back in another form of its words: "disclosed" for "disclose".
    debt = "What changes in debt structure or interest expenses did Apple disclose in the Q1 2023 10-Q?"
    assert restates_question(
        "Apple disclosed changes in debt structure or interest expenses in the Q1 2023 10-Q [1].",
        debt,
    )
    assert not restates_question("Apple issued $5.5 billion of new notes [1].", debt)
    assert not restates_question("[1]", question)  # nothing said: the markers check's case
