"""Counting words in every script: runs of the scripts written without spaces (Chinese,
Japanese, Thai, Lao, Khmer, Burmese) hold many words each.

A ``\\w+`` count reads a whole Chinese sentence as one or two words, so length rules written
for spaced scripts ("a unit of fewer than three words is not evidence", "an answer of fewer
than two words is only markers") rejected every Chinese sentence. Here such a run counts one
word per two characters, the length of the commonest Chinese word.
"""

from __future__ import annotations

import re

# Han (with extensions and compatibility ideographs), kana (with the prolonged sound mark and
# half-width forms), Thai, Lao, Khmer and Myanmar. Hangul is left out: Korean separates its
# words with spaces. Each script is its own run, so no run straddles two scripts but kana
# and kanji, which Japanese runs together.
_CJ = "\u3005\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f" + (
    "\U00020000-\U0003134f"
)
_SCRIPTS = (_CJ, "\u0e00-\u0e7f", "\u0e80-\u0eff", "\u1780-\u17ff", "\u1000-\u109f")
SPACELESS_RUN = re.compile("|".join(f"[{s}]+" for s in _SCRIPTS))
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# A run of letters, digits or underscores (any script): the word of keyword search, of the
# sentence splitter and of the fake models.
WORD = re.compile(r"\w+")
_CHARS_PER_WORD = 2


def spaceless_runs(text: str) -> list[str]:
    """The runs of the scripts written without spaces, in order."""
    return SPACELESS_RUN.findall(text)


def word_count(text: str, pattern: re.Pattern[str] = _LETTERS) -> int:
    """Words matching ``pattern`` outside the spaceless runs (by default: two letters or
    more), plus one per two characters of each run (at least one per run)."""
    rest = SPACELESS_RUN.sub(" ", text)
    runs = spaceless_runs(text)
    return len(pattern.findall(rest)) + sum(max(1, len(r) // _CHARS_PER_WORD) for r in runs)
