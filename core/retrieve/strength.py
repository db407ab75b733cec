"""A match strength a person can read, from the cross-encoder score abstention is calibrated on.

Raw scores mean nothing to a reader (a logit of 6.6 or -5.3) and the final order blends them
with the first stage, so they do not even fall in rank order. The label uses the same scale as
``answer.abstain_below``: below it the answerer would not answer from this passage ("weak");
from it up to ``STRONG_MARGIN`` above, the evidence is usable but partial; above that, strong.
On the dev QA set every answerable question's best passage scored at least 0.86 and the
unanswerable ones at most 1.39 (docs/benchmarks.md); the MS MARCO cross-encoder puts clearly
relevant passages several logits higher, hence the margin.
"""

from __future__ import annotations

from typing import Literal

Strength = Literal["strong", "partial", "weak", "unrated"]
STRONG_MARGIN = 4.0
ORDER: tuple[Strength, ...] = ("strong", "partial", "weak", "unrated")


def strength(rerank: float | None, abstain_below: float) -> Strength:
    """The label of one hit; ``None`` (not reranked) is "unrated"."""
    if rerank is None:
        return "unrated"
    if rerank >= abstain_below + STRONG_MARGIN:
        return "strong"
    return "partial" if rerank >= abstain_below else "weak"
