"""An answer streamed with each citation marker checked before it is shown.

The small models misnumber sources ("… kept for 90 days. [2]" where [1] holds the sentence);
the finished answer has the marker moved (`attribution.recite`), but a reader of the stream —
the terminal, an OpenAI client of `serve` — had already seen [2] under a source list whose
only entry is [1]. A marker is the last thing of its sentence, so it can be checked the moment
it closes: the text before it streams at once, and only "[2]" waits for its "]" (and one more
character: "[2](" is a Markdown link, no marker).
"""

from __future__ import annotations

import re

from sourcewise.core.answer import citations as cit
from sourcewise.core.answer.attribution import SourceRef, attribute, recite
from sourcewise.core.types import TokenCallback

# An unfinished marker, or a finished one at the very end, still waiting for what follows;
# with the space before it, which goes when an invented marker does ("forever [9]." → "forever.").
_PENDING = re.compile(r"\s*\[\d{0,3}(?:\s*[,;]\s*\d{0,3})*\]?$|\s+$")


class CitedStream:
    """Wraps ``on_token``: pieces pass on at once, a citation marker once it is checked
    against ``sources`` as the finished answer's are (`Answerer._finish`). Call :meth:`close` at the end."""

    def __init__(self, on_token: TokenCallback, sources: list[SourceRef]) -> None:
        self._on_token = on_token
        self._sources = sources
        self._valid = {s.n for s in sources}
        self._shown = ""  # what the reader has seen, markers corrected
        self._held = ""

    def __call__(self, piece: str) -> None:
        self._held += piece
        pending = _PENDING.search(self._held)
        cut = pending.start() if pending else len(self._held)
        self._show(self._held[:cut])
        self._held = self._held[cut:]

    def close(self) -> None:
        """Shows what is still held back (an unfinished marker, a marker at the end)."""
        self._show(self._held)
        self._held = ""

    def _show(self, ready: str) -> None:
        if not ready:
            return
        text = self._shown + ready
        if "]" in ready:
            # As the finished answer will be: invented numbers out, misnumbered ones moved.
            kept = cit.clean_markers(text, self._valid)
            checked = recite(attribute(kept, self._sources), self._sources)
            # Only the new part may change: what was shown stays as it was.
            if checked.startswith(self._shown):
                text = checked
        self._on_token(text[len(self._shown) :])
        self._shown = text
