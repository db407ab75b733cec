"""Citation markers checked as they stream, so the reader sees what the answer will say."""

from __future__ import annotations

from sourcewise.core.answer.attribution import SourceRef
from sourcewise.core.answer.cited_stream import CitedStream

SOURCES = [
    SourceRef(
        1, "/docs/it-handbook.md", None, "Files are backed up every night and kept for 90 days."
    ),
    SourceRef(2, "/docs/pricing.csv", None, "model: Heron; price_eur: 2190; warranty_years: 10"),
]


def streamed(reply: str, pieces: int = 1) -> str:
    """``reply`` fed ``pieces`` characters at a time, as the reader sees it."""
    shown: list[str] = []
    stream = CitedStream(shown.append, SOURCES)
    for k in range(0, len(reply), pieces):
        stream(reply[k : k + pieces])
    stream.close()
    return "".join(shown)


def test_a_misnumbered_marker_is_shown_with_the_source_that_holds_its_sentence() -> None:
    reply = "Files are backed up every night and kept for 90 days. [2]"
    for size in (1, 3, len(reply)):
        assert streamed(reply, size) == "Files are backed up every night and kept for 90 days. [1]"


def test_an_invented_marker_is_not_shown() -> None:
    reply = "Files are kept for 90 days [1]. Tapes last forever [9]."
    assert streamed(reply) == "Files are kept for 90 days [1]. Tapes last forever."


def test_what_is_no_marker_streams_unchanged() -> None:
    for reply in ("See [the manual](http://x) [1].", "Costs [2", "A list: [a], [b].", "x [2]("):
        assert streamed(reply) == reply


def test_text_before_a_marker_is_not_held_back() -> None:
    shown: list[str] = []
    stream = CitedStream(shown.append, SOURCES)
    stream("Files are kept for 90 days [")
    assert "".join(shown) == "Files are kept for 90 days"
    stream("1].")
    stream.close()
    assert "".join(shown) == "Files are kept for 90 days [1]."
