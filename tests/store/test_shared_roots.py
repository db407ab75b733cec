"""Paths relative to named roots in a team library: one share mounted at different places on
two machines is one set of documents (store/postgres/shared_roots.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.core.errors import ConfigError
from sourcewise.core.store.postgres.shared_roots import SharedRoots
from sourcewise.core.store.postgres.store import PostgresStore
from sourcewise.core.testing.contracts.store import EMBEDDER, commit
from sourcewise.core.types import SearchFilters


def test_paths_map_to_and_from_the_stored_form() -> None:
    roots = SharedRoots({"team": "/mnt/team/", "legal": "/mnt/team/legal"})
    assert roots.stored("/mnt/team/reports/q3.pdf") == "@team/reports/q3.pdf"
    assert roots.stored("/mnt/team") == "@team"
    assert roots.stored("/mnt/team/") == "@team/"  # a folder prefix keeps its separator
    assert roots.stored("/mnt/team/legal/nda.docx") == "@legal/nda.docx"  # the inner root
    assert roots.stored("/mnt/teamwork/x.txt") == "/mnt/teamwork/x.txt"  # not beneath it
    assert roots.stored("/home/ana/notes.md") == "/home/ana/notes.md"
    assert roots.local("@team/reports/q3.pdf") == "/mnt/team/reports/q3.pdf"
    assert roots.local("@legal/nda.docx") == "/mnt/team/legal/nda.docx"
    assert roots.local("@team") == "/mnt/team"
    assert roots.local("@other/x.pdf") == "@other/x.pdf"  # a root this machine does not map
    windows = SharedRoots({"team": "T:\\share"})
    assert windows.stored("T:\\share\\reports\\q3.pdf") == "@team/reports/q3.pdf"
    assert windows.local("@team/reports/q3.pdf") == "T:\\share\\reports\\q3.pdf"


@pytest.mark.parametrize("roots", [{"bad name": "/mnt/x"}, {"team": "relative/dir"}])
def test_a_bad_root_is_a_clear_error(roots: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match=r"store\.roots"):
        SharedRoots(roots)


def test_two_machines_mounting_one_share_differently_see_one_library(pg_url: str) -> None:
    linux = PostgresStore.open(pg_url, EMBEDDER, 20_000, roots=SharedRoots({"team": "/mnt/team"}))
    mac = PostgresStore.open(pg_url, EMBEDDER, 20_000,
                             roots=SharedRoots({"team": "/Volumes/team"}))  # fmt: skip
    try:
        cid = linux.content.collection_id("work") or 0
        linux.content.add_root(cid, Path("/mnt/team"), watch=True)
        commit(linux, Path("/mnt/team/reports/q3.txt"), ["The zeppelin hangar holds airships."])
        here = "/Volumes/team/reports/q3.txt"
        assert [d.path for d in mac.documents()] == [here]
        assert [r.folder for r in mac.roots()] == ["/Volumes/team"]
        assert [p.path for p in mac.passages()] == [here]
        ids = [p.chunk_id for p in mac.passages()]
        assert [r.path for r in mac.cards.hit_rows(ids, SearchFilters())] == [here]
        for filters in [SearchFilters(folder="/Volumes/team/reports"),
                        SearchFilters(documents=(here,))]:  # fmt: skip
            assert [p for p, _ in mac.cards.chunks_matching(filters)] == [here]
        assert [d.path for d in mac.find_documents([here])] == [here]
        assert mac.documents_under("/Volumes/team", 10) == [here]
        assert mac.catalog.document(cid, here) is not None  # incremental indexing finds it
        assert list(mac.catalog.paths_under(cid, "/Volumes/team")) == [here]
        # The Mac indexing the same file links the one document, it does not add a second.
        mac.content.link_existing_content(
            cid, Path(here), (10, 1000.0), "sha-/mnt/team/reports/q3.txt", "txt"
        )
        assert [d.path for d in linux.documents()] == ["/mnt/team/reports/q3.txt"]
        assert mac.remove_paths([Path("/Volumes/team/reports")]) == 1
        assert linux.documents() == []
    finally:
        linux.close()
        mac.close()
