"""The answerability decision from the model's yes/no log-probabilities."""

from __future__ import annotations

import math
from pathlib import Path

from sourcewise.core.answer.answerability import YES, judge, missing_names, yes_probability
from sourcewise.core.testing import EchoChatModel
from sourcewise.core.types import AskOptions
from tests.answer.conftest import fake_engine, make_pdf

QUESTION = "How long is the warranty of the Falcon X2 drone?"


def test_yes_probability_is_a_two_way_softmax() -> None:
    assert math.isclose(yes_probability(math.log(0.3), math.log(0.1)), 0.75)
    assert yes_probability(-1000.0, -1001.0) > 0.7  # stable far from zero
    assert yes_probability(float("-inf"), float("-inf")) == 0.5


def test_judge_reads_the_first_option_against_the_second() -> None:
    model = EchoChatModel(p_yes=0.2)
    verdict = judge(model, "[1] a.txt\nSome text.", QUESTION, threshold=0.5)
    assert not verdict.answerable and math.isclose(verdict.p_yes, 0.2, rel_tol=1e-6)
    prompt = model.judged[-1][-1]["content"]
    assert "Some text." in prompt and QUESTION in prompt and YES in prompt


def test_on_topic_but_unanswerable_abstains_with_the_nearest_passages(
    tmp_path: Path, docs: Path
) -> None:
    model = EchoChatModel(p_yes=0.1)
    engine = fake_engine(tmp_path / "home", model)
    engine.settings.answer.answerable_threshold = 0.5
    engine.library.index([docs])
    answer = engine.answers.ask(QUESTION)
    assert answer.abstained and answer.nearest and answer.answerable is not None
    assert "do not state the answer" in answer.reason
    assert model.prompts == []  # no answer was generated
    engine.close()


def test_the_judge_and_the_answer_share_their_prompt_prefix(tmp_path: Path, docs: Path) -> None:
    model = EchoChatModel(p_yes=0.9)
    engine = fake_engine(tmp_path / "home", model)
    engine.settings.answer.answerable_threshold = 0.5
    engine.library.index([docs])
    answer = engine.answers.ask(QUESTION)
    assert not answer.abstained and answer.answerable is not None and answer.answerable > 0.8
    judged, asked = model.judged[-1], model.prompts[-1]
    assert judged[0] == asked[0]  # the same system prompt
    cut = judged[1]["content"].index("Question:")
    assert asked[1]["content"].startswith(judged[1]["content"][:cut])  # the same sources
    engine.close()


def test_verify_off_skips_the_judgement(tmp_path: Path, docs: Path) -> None:
    model = EchoChatModel(p_yes=0.0)
    engine = fake_engine(tmp_path / "home", model)
    engine.settings.answer.verify = False
    engine.library.index([docs])
    assert not engine.answers.ask(QUESTION).abstained and model.judged == []
    engine.close()


def test_an_empty_index_says_nothing_is_indexed(tmp_path: Path) -> None:
    engine = fake_engine(tmp_path / "home", EchoChatModel())
    answer = engine.answers.ask(QUESTION)
    assert answer.abstained and "Nothing is indexed yet" in answer.answer
    engine.close()


def test_sources_are_reported_before_the_answer_streams(tmp_path: Path, docs: Path) -> None:
    events: list[str] = []
    engine = fake_engine(tmp_path / "home", EchoChatModel())
    engine.library.index([docs])
    engine.answers.ask(QUESTION, AskOptions(on_sources=lambda cites: events.append(f"sources:{len(cites)}"), on_token=lambda _: events.append("token")))  # fmt: skip
    assert events[0].startswith("sources:") and events[0] != "sources:0" and "token" in events
    engine.close()


def test_ask_json_adds_uncited_total_ms_and_nearest_on_abstention(
    tmp_path: Path, docs: Path
) -> None:
    from sourcewise.core.rendering.render import answer_json

    engine = fake_engine(tmp_path / "home", EchoChatModel(p_yes=0.05))
    engine.settings.answer.answerable_threshold = 0.5
    engine.library.index([docs])
    data = answer_json(engine.answers.ask(QUESTION))
    assert data["abstained"] and data["nearest"] and data["nearest"][0]["path"]
    assert data["timings"]["total_ms"] > 0 and data["uncited"] is False
    engine.settings.answer.verify = False
    data = answer_json(engine.answers.ask(QUESTION))
    assert "nearest" not in data and data["citations"][0]["quote"]
    engine.close()


def test_the_threshold_comes_from_the_models_manifest_entry(tmp_path: Path, docs: Path) -> None:
    from sourcewise.core.answer.answerer import Answerer

    engine = fake_engine(tmp_path / "home", EchoChatModel(p_yes=0.1))
    engine.library.index([docs])
    engine.settings.llm.model = "qwen2.5-coder-1.5b"  # calibrated: 0.75 in the manifest
    assert engine.answers.ask(QUESTION).abstained
    engine.settings.llm.model = "qwen2.5-coder-0.5b"  # its judgement is at chance: not asked
    assert not engine.answers.ask(QUESTION).abstained
    model = EchoChatModel(p_yes=0.1)
    Answerer(engine.settings, model, engine.library.search, None, judge_threshold=None).ask(
        QUESTION
    )
    assert model.judged == []
    engine.close()


def test_an_adapter_judges_with_the_threshold_its_card_records(tmp_path: Path) -> None:
    from sourcewise.core.llm.adapter_card import card_threshold
    from sourcewise.core.settings import Settings

    adapters = tmp_path / "models" / "adapters"
    adapters.mkdir(parents=True)
    (adapters / "reader.gguf").write_bytes(b"GGUF")
    (adapters / "reader.json").write_text('{"answerable_threshold": 0.62}', encoding="utf-8")
    (adapters / "plain.gguf").write_bytes(b"GGUF")
    (adapters / "plain.json").write_text('{"answerable_threshold": null}', encoding="utf-8")
    (adapters / "odd.gguf").write_bytes(b"GGUF")
    (adapters / "odd.json").write_text('{"answerable_threshold": 7}', encoding="utf-8")
    settings = Settings(home=tmp_path / "home", models_dir=tmp_path / "models")
    assert card_threshold(settings, "reader") == 0.62
    assert card_threshold(settings, "plain") is None  # an adapter without one is not judged
    assert card_threshold(settings, "odd") is None  # not a probability
    assert card_threshold(settings, "missing") is None
    model = EchoChatModel()
    engine = fake_engine(tmp_path / "home2", model)
    engine.settings.llm.adapter = "reader"
    engine.settings.models_dir = tmp_path / "models"
    assert engine.answers._pipeline().judge_threshold == 0.62
    engine.close()


def test_a_filings_form_is_not_a_name_the_evidence_must_state() -> None:
    evidence = "Gross margin | 36,413 | 35,885 (in millions)"
    assert missing_names("What was the gross margin in Apple's latest 10-Q?", evidence) == ["Apple"]
    assert missing_names("What was the gross margin in the latest 10-Q?", evidence) == []


def test_a_company_its_documents_card_names_is_not_missing(tmp_path: Path) -> None:
    # Intel's 10-Q says "Intel Corporation" on its cover; its statement pages never do, so the
    # question's "Intel" was read as a name the evidence lacks and the stricter threshold
    # declined 5 of 36 table questions whose P(yes) was above the plain one.
    folder = tmp_path / "docs"
    folder.mkdir()
    filler = " ".join(
        f"Item {n} describes the controls and procedures of the quarter." for n in range(40)
    )
    make_pdf(folder / "10q.pdf", ["Initech Corporation\nQuarterly Report on Form 10-Q", filler, filler,
                                  "Total net revenue for the quarter was 14,158 million dollars."])  # fmt: skip
    model = EchoChatModel(p_yes=0.7)
    engine = fake_engine(tmp_path / "home", model)
    engine.settings.answer.answerable_threshold = 0.65  # + NAMED_MARGIN would need 0.75
    engine.library.index([folder])
    hit = engine.library.search("total net revenue for the quarter", k=1)[0]
    assert "initech" in hit.document_names.lower() and "Initech" not in hit.text
    answer = engine.answers.ask("What was Initech's total net revenue for the quarter?")
    assert not answer.abstained and answer.answerable is not None
    declined = engine.answers.ask("What was Globex's total net revenue for the quarter?")
    assert declined.abstained and "do not state the answer" in declined.reason
    engine.close()


def test_names_are_looked_for_as_a_statement_states_them() -> None:
    # FinanceBench-style questions: a second sentence's first word, a currency code, a fiscal
    # year and a month name are stated otherwise (or not at all) by a statement page; each was
    # read as a name the evidence lacks, and the stricter bar declined at P(yes) 0.71 and 0.749.
    cash_flow = "3M 2018 10-K | Purchases of property, plant and equipment (PP&E) | (1,577) | 2018"
    fb = "What is the FY2018 capital expenditure amount (in USD millions) for 3M? Give a response."
    assert missing_names(fb, cash_flow) == []
    assert missing_names(fb.replace("FY2018", "FY2019"), cash_flow) == ["FY2019"]
    apple = "Payments for acquisition of property, plant and equipment | (8,796) | Jul 1, 2023"
    question = (
        "What was Apple's capital expenditure in fiscal 2023? Answer from the cash flow statement."
    )
    assert missing_names(question, f"{apple}\nApple Inc.") == []
    intel = "Nine Months Ended | Sep 30, 2023 | Oct 1, 2022 | Additions to property | (19,054)"
    asked = "What were Intel's additions to property for the nine months ended September 30, 2023?"
    assert missing_names(asked, f"{intel}\nIntel") == []
    assert missing_names(asked.replace("September", "March"), f"{intel}\nIntel") == ["March"]


def test_a_run_of_chinese_characters_ends_a_name() -> None:
    # "60赫兹电力…是多少" read as one code went missing from evidence that says "60 赫兹" and
    # raised the bar for a Chinese question whose passage held the answer (XQuAD tune half).
    question = "在美国，60赫兹电力通常的涡轮转速是多少?"
    evidence = "在美国，对于 60 赫兹的电力，通常的涡轮转速是 3600 转/分钟。"
    assert missing_names(question, evidence) == []
    assert missing_names(question, "涡轮转速是 3000 转/分钟。") == ["60"]
