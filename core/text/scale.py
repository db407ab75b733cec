"""The scale a table's caption or header states ("In millions", "$ in thousands").

Statement tables print 36,413 where the caption above says the figures are in millions; the
chunker carries the scale into the table's heading (its caption is another chunk) and the
answer step into the figures it quotes (core/answer/tables.py).
"""

from __future__ import annotations

import re

_SCALE = re.compile(
    r"\b(?:in|\$\s*in|amounts\s+in|dollars\s+in)\s+(?:\$\s*|US\$\s*|USD\s+)?"
    r"(thousands|millions|billions)\b"
    # 3M's "(Millions)", "($ millions)", "(Millions of dollars)": the unit alone in brackets.
    r"|\(\s*(?:\$|US\$|USD)?\s*(thousands|millions|billions)(?:\s+of\s+(?:U\.S\.\s+)?dollars)?"
    r"\s*[,)]",
    re.I,
)


# "(In millions, except number of shares, which are reflected in thousands ...)": the scale
# after "except" is the exception's, not the table's.
_EXCEPT = re.compile(r"\bexcept\b[^)\n]*", re.I)


def scale_of(text: str) -> str:
    """The last scale ``text`` states (not one it excepts), as "in millions", or ""."""
    found = [a or b for a, b in _SCALE.findall(_EXCEPT.sub("", text))]
    return f"in {found[-1].lower()}" if found else ""
