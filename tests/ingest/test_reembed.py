"""Switching embedders: the next `index` re-embeds every chunk (nothing re-parsed) beside the
live vectors, which search keeps reading with the previous model; progress survives a cancel;
`status` tells how far it got. The store side, on both backends: test_reembed_contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.errors import Cancelled
from sourcewise.core.factory import build_engine
from sourcewise.core.ingest import reembed
from sourcewise.core.progress import CancelToken, Progress
from sourcewise.core.settings import Settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from tests.engine.conftest import fake_engine


def _corpus(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "a.md").write_text("# Apples\n\nApples grow on trees in orchards.\n")
    (root / "b.txt").write_text("Bananas are yellow and grow in bunches.")
    (root / "c.txt").write_text("Cherries are small red stone fruits.")
    (root / "d.txt").write_text("Dates ripen on palms in the desert sun.")
    return root


def _engine(home: Path, model: str) -> Engine:
    """An engine whose embedder is made from settings (as the app's is), so it can make the
    previous model's too."""
    settings = Settings(home=home, models_dir=home / "m", index={"parse_mode": "thread"},
                        embed={"model": model})  # fmt: skip
    return build_engine(settings, chat_model=EchoChatModel(), reranker=None)


def _fake(engine: Engine) -> HashEmbedder:
    assert isinstance(engine._parts.embedder, HashEmbedder)
    return engine._parts.embedder


def test_search_reads_the_previous_models_vectors_until_the_new_ones_are_complete(
    tmp_path: Path,
) -> None:
    root = _corpus(tmp_path / "docs")
    first = _engine(tmp_path / "home", "hash-64")
    first.library.index([root])
    first.close()
    second = _engine(tmp_path / "home", "hash-32")
    hit = second.library.search("apples orchards", k=1)[0]
    assert hit.path == str(root / "a.md")
    # The dense score is the previous model's: its query against its stored vector.
    old = HashEmbedder(64)
    ids, scores = second._parts.store.vectors.search(old.embed_query("apples orchards"), 1)
    assert int(ids[0]) == hit.chunk_id and hit.scores["dense"] == pytest.approx(float(scores[0]))
    status = second.library.status()
    assert status.embed_model == "hash-64"
    assert status.reembed is not None and status.reembed.model == "hash-32"
    assert (status.reembed.done, status.reembed.total) == (0, status.chunks)
    assert any("Search uses hash-64 until it is complete" in h for h in status.hints)
    report = second.library.index([root])
    assert report.files_unchanged == 4  # nothing re-parsed
    assert _fake(second).texts_embedded == status.chunks  # every chunk re-embedded once
    assert report.chunks_reembedded == status.chunks
    after = second.library.status()
    assert after.embed_model == "hash-32" and after.reembed is None
    assert after.vectors == after.chunks
    assert not any("re-embedding" in h for h in after.hints)
    hit = second.library.search("apples orchards", k=1)[0]
    assert hit.path == str(root / "a.md") and hit.scores["dense"] > 0
    second.close()


def test_a_cancelled_reembed_resumes_without_redoing_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reembed, "STEP", 2)  # steps of two chunks
    root = _corpus(tmp_path / "docs")
    first = _engine(tmp_path / "home", "hash-64")
    first.library.index([root])
    first.close()
    second = _engine(tmp_path / "home", "hash-32")
    token, seen = CancelToken(), list[Progress]()

    def progress(p: Progress) -> None:
        if p.stage == "re-embedding":
            seen.append(p)
            token.cancel()

    with pytest.raises(Cancelled):
        second.library.index([root], progress=progress, cancel=token)
    total = second.library.status().chunks
    assert [(p.done, p.total) for p in seen] == [(2, total)]
    assert "hash-32" in seen[0].message
    status = second.library.status()
    assert status.reembed is not None and status.reembed.done == 2
    assert status.embed_model == "hash-64"
    assert second.library.search("bananas yellow", k=1)[0].path == str(root / "b.txt")
    second.close()
    third = _engine(tmp_path / "home", "hash-32")
    third.library.index([root])
    assert _fake(third).texts_embedded == total - 2
    assert third.library.status().embed_model == "hash-32"
    third.close()


def test_without_the_previous_model_search_uses_keywords_and_status_says_so(
    tmp_path: Path,
) -> None:
    """An injected embedder cannot be remade from settings, as an uninstalled model cannot be
    loaded: search still answers, from keywords alone."""
    root = _corpus(tmp_path / "docs")
    first = fake_engine(tmp_path / "home", HashEmbedder(dim=64))
    first.library.index([root])
    first.close()
    other = HashEmbedder(dim=32)
    second = fake_engine(tmp_path / "home", other)
    hit = second.library.search("apples orchards", k=1)[0]
    assert hit.path == str(root / "a.md") and hit.scores["dense"] == 0.0
    hints = second.library.status().hints
    assert any("keywords only" in h and "hash-64" in h for h in hints)
    second.library.index([root])
    assert other.texts_embedded == second.library.status().chunks
    assert second.library.search("apples orchards", k=1)[0].scores["dense"] > 0
    second.close()


def test_an_uninstalled_previous_model_falls_back_to_keywords(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "docs")
    first = _engine(tmp_path / "home", "hash-64")
    first.library.index([root])
    first.close()
    from sourcewise.core.store.sqlite_store import SqliteStore

    # The library says its vectors are a model this machine does not have.
    index = SqliteStore.open(first.settings, HashEmbedder(64))
    index.set_meta("embed_model", "bge-small-en")
    index.close()
    second = _engine(tmp_path / "home", "hash-64")
    assert second.library.search("bananas yellow", k=1)[0].path == str(root / "b.txt")
    assert any("keywords only" in h and "bge-small-en" in h for h in second.library.status().hints)
    second.close()


def test_a_library_left_mid_reembed_by_an_older_version_is_repaired(tmp_path: Path) -> None:
    """Older versions overwrote vectors in place, marking the model "reembedding" meanwhile:
    those vectors are of two models, so search uses keywords until the next run redoes them."""
    root = _corpus(tmp_path / "docs")
    first = _engine(tmp_path / "home", "hash-64")
    first.library.index([root])
    first._parts.store.set_meta("embed_model", "reembedding")  # type: ignore[attr-defined]
    first.close()
    second = _engine(tmp_path / "home", "hash-64")
    hit = second.library.search("cherries stone fruits", k=1)[0]
    assert hit.path == str(root / "c.txt") and hit.scores["dense"] == 0.0
    second.library.index([root])
    assert _fake(second).texts_embedded == second.library.status().chunks
    assert second.library.status().embed_model == "hash-64"
    assert second.library.search("cherries stone fruits", k=1)[0].scores["dense"] > 0
    second.close()
