"""Exact identifiers (part numbers, ticket ids, error codes) are found by keyword search even
when the dense model reads them as noise (issue 13, item 9)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.testing import HashEmbedder
from tests.engine.conftest import fake_engine

_IDENTIFIER = re.compile(r"\b\S*\d\S*\b")


class IdentifierBlindEmbedder(HashEmbedder):
    """Like a real dense model on identifiers: anything holding a digit carries no meaning."""

    def _blind(self, text: str) -> str:
        return _IDENTIFIER.sub(" ", text)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return super().embed_documents([self._blind(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return super().embed_query(self._blind(text))


FILLER = (
    "The maintenance log lists the parts replaced during the spring service of the pumps, "
    "with the technician's notes on wear, vibration and the seals that were checked."
)
# Which log holds each identifier; every other log holds another value of the same kind.
IDENTIFIERS = {"part": ("819911", 5), "ticket": ("JIRA-4521", 8), "error": ("0x80070005", 11)}


def _log(n: int) -> str:
    values = {kind: ident if where == n else f"{kind[:2].upper()}{700000 + 97 * n}"
              for kind, (ident, where) in IDENTIFIERS.items()}  # fmt: skip
    entries = ", ".join(f"{kind} {value}" for kind, value in values.items())
    # Deep in the file: not on its card (which holds only the opening lines).
    return "\n\n".join([FILLER] * 10 + [f"Entry {n} recorded {entries}."]) + "\n"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    folder = tmp_path / "logs"
    folder.mkdir()
    for n in range(15):
        (folder / f"log_{n:02d}.txt").write_text(_log(n), encoding="utf-8")
    eng = fake_engine(tmp_path / "home", IdentifierBlindEmbedder())
    eng.library.index([folder])
    return eng


@pytest.mark.parametrize("kind", sorted(IDENTIFIERS))
def test_an_exact_identifier_finds_the_only_file_holding_it(engine: Engine, kind: str) -> None:
    ident, where = IDENTIFIERS[kind]
    hits = engine.library.search(ident, k=2)
    assert Path(hits[0].path).name == f"log_{where:02d}.txt"
