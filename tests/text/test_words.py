"""Word counts in every script: a run of Chinese or Japanese is many words, not one."""

from __future__ import annotations

from sourcewise.core.text.words import spaceless_runs, word_count


def test_a_chinese_sentence_counts_one_word_per_two_characters() -> None:
    sentence = "由于支付模块的测试尚未完成，新版本的发布日期推迟到4月28日。"
    assert spaceless_runs(sentence)[:2] == ["由于支付模块的测试尚未完成", "新版本的发布日期推迟到"]
    assert word_count(sentence) >= 10  # it was two \w+ runs: never evidence, "only markers"


def test_spaced_scripts_count_words_of_two_letters_or_more() -> None:
    assert word_count("The cat sat on a mat.") == 5  # "a" is too short to be a word here
    assert word_count("Die Gelübde brechen") == 3
    assert word_count("[1] [2]") == 0
