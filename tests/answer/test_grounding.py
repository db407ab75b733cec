"""A cited sentence's figures are looked for in its source, in any scale."""

from __future__ import annotations

from sourcewise.core.answer.grounding import missing_figures


def test_a_figure_the_source_does_not_hold_is_missing() -> None:
    source = "The Company's effective tax rate for the third quarter was lower than the rate."
    assert missing_figures("Apple's effective tax rate was 20.1% [1].", source) == ["20.1"]


def test_figures_held_in_another_scale_or_format_are_not_missing() -> None:
    table = "Gross margin | 36,413 | 35,885 (in millions)"
    assert missing_figures("The gross margin was $36.4 billion [1].", table) == []
    assert missing_figures("The gross margin was $36,413 million [1].", table) == []
    assert missing_figures("Marketing spent 118,200 EUR [2].", "Marketing: 118200") == []
    assert missing_figures("Es kostet 2.640,00 EUR.", "Laptop leasing 2,640.00") == []


def test_the_questions_own_numbers_and_marker_numbers_are_not_missing() -> None:
    assert missing_figures("Invoice 2025-0417 is due [3].", "Payment due by 15 August.",
                           "By when must invoice 2025-0417 be paid?") == []  # fmt: skip
    assert missing_figures("新版本的发布日期推迟到4月28日。[1]", "推迟到4月28日。") == []
