"""The header rule of a Markdown table ("|---|---|"), as the chunker writes it.

The chunker cuts a long table into pieces that each repeat the lines down to this rule (the
caption and the header); search joins pieces of one table by those same lines. Both read the
rule here, so a piece is recognised by the definition that wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+$")  # matched on a stripped line


def is_rule(line: str) -> bool:
    return bool(TABLE_RULE.match(line.strip()))


def rule_index(lines: Sequence[str]) -> int | None:
    """The index of the first header rule among ``lines``, None when there is none."""
    return next((i for i, line in enumerate(lines) if is_rule(line)), None)
