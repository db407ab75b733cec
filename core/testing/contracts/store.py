"""What every library store (:class:`~sourcewise.core.store.protocol.Store`) must do, as
inheritable tests (as Haystack's ``testing/document_store.py``).

Inherit in a ``Test...`` class and override ``open_store``: a fixture returning a function that
opens the test's library (the same one each call, so reopening is tested too). The cases write
through ``store.content`` as ingestion does, with vectors from the hash embedder, and read back
through every side retrieval and the engine use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from sourcewise.core.retrieve.keyword import KeywordSearch
from sourcewise.core.store import source_meta
from sourcewise.core.store.document_card import ContentCard
from sourcewise.core.store.protocol import Store
from sourcewise.core.store.rows import BlobInfo, ChunkRecord
from sourcewise.core.testing.embedder import HashEmbedder
from sourcewise.core.types import SearchFilters

OpenStore = Callable[[], Store]

ROOT = Path("/library/share")
EMBEDDER = HashEmbedder()


def commit(
    store: Store,
    path: Path,
    texts: list[str],
    *,
    collection: str = "work",
    sha: str | None = None,
    mtime: float = 1000.0,
    card: ContentCard | None = None,
) -> int:
    """Store a file of one chunk per text, or link it to stored content of the same sha."""
    cid = store.content.collection_id(collection) or 0
    sha = sha or f"sha-{path}"
    file_type = path.suffix.lstrip(".")
    if store.content.blob_id(sha) is not None:
        store.content.link_existing_content(cid, path, (10, mtime), sha, file_type)
        return store.content.blob_id(sha) or 0
    chunks = [
        ChunkRecord(t, f"Heading {i}", 1, 1, None, i * 100, i * 100 + len(t), len(t.split()))
        for i, t in enumerate(texts)
    ]
    blob = BlobInfo(sha, 10, file_type, path.stem, None, 1, sum(len(t) for t in texts), None,
                    card=card.to_json() if card else None)  # fmt: skip
    vecs = EMBEDDER.embed_documents(texts)
    return store.content.commit_new_content(cid, path, (10, mtime), blob, chunks, vecs)


def dense_ids(store: Store, text: str, k: int = 5, allowed: list[int] | None = None) -> list[int]:
    keep = None if allowed is None else np.asarray(allowed, dtype=np.int64)
    ids, _ = store.vectors.search(EMBEDDER.embed_query(text), k, keep)
    return [int(i) for i in ids]


NO_FILTERS = SearchFilters()


def chunk_ids(store: Store, filters: SearchFilters = NO_FILTERS) -> set[int]:
    return {cid for _, cid in store.cards.chunks_matching(filters)}


class StoreContract:
    zeppelin = "The zeppelin hangar at the old airfield holds three airships."
    pasta = "Cook the pasta in salted water for nine minutes, then drain it."

    @pytest.fixture
    def open_store(self) -> OpenStore:
        raise NotImplementedError("override open_store with a function opening the library")

    @pytest.fixture
    def store(self, open_store: OpenStore) -> Iterator[Store]:
        store = open_store()
        yield store
        store.close()

    def test_a_new_store_is_empty(self, store: Store) -> None:
        status = store.status()
        assert store.is_empty() and status.documents == 0 and status.chunks == 0
        assert store.documents() == [] and dense_ids(store, "anything") == []

    def test_committed_content_is_found_by_vector_and_by_keyword(self, store: Store) -> None:
        commit(store, ROOT / "air.txt", [self.zeppelin, self.pasta])
        (zep,) = [p.chunk_id for p in store.passages() if "zeppelin" in p.text]
        assert dense_ids(store, self.zeppelin)[0] == zep
        assert list(store.keywords.top(["zeppelin"], 5, None)) == [zep]
        assert store.keywords.rows_matching("zeppelin", 10) == 1
        assert store.keywords.rows_matching("missingword", 10) == 0
        rows = store.cards.hit_rows([zep], SearchFilters())
        assert [(r.chunk_id, r.path) for r in rows] == [(zep, str(ROOT / "air.txt"))]

    def test_keyword_search_stems_and_weights_headings(self, store: Store) -> None:
        commit(store, ROOT / "a.txt", ["Three airships were moored there."])
        assert len(store.keywords.top(["airship"], 5, None)) == 1
        assert len(store.keywords.top(["heading"], 5, None)) == 1  # headings are searched too

    def test_keyword_ranking_is_bm25(self, store: Store) -> None:
        """A rare word outweighs a common one said three times (inverse document frequency),
        and of two chunks with the word once the shorter ranks first (length normalisation):
        what makes both backends rank alike, and what PostgreSQL's ts_rank alone does not."""
        texts = [
            "The hangar, the hangar and the hangar again.",
            "A zeppelin.",
            "A hangar by the road.",
            "The hangar near the field.",
            "The airfield.",
            "The airfield lies beyond the long straight road past the farms and the river.",
        ]
        commit(store, ROOT / "rank.txt", texts)
        by_text = {p.text: p.chunk_id for p in store.passages()}
        top = list(store.keywords.top(["zeppelin", "hangar"], 10, None))
        assert top[:2] == [by_text[texts[1]], by_text[texts[0]]]
        assert list(store.keywords.top(["airfield"], 10, None)) == [by_text[texts[4]],
                                                                     by_text[texts[5]]]  # fmt: skip

    def test_a_word_inside_a_run_of_chinese_japanese_or_thai_is_found(self, store: Store) -> None:
        """Scripts written without spaces are searched by character pairs: the word is found
        inside a run, in its own language's document first (暗証 is Japanese, 暗证 Chinese;
        both share 番号), and the English beside them is still read by the word index."""
        texts = {
            "zh": "我们的暗证番号在保险箱里，请不要告诉任何人。",
            "ja": "銀行カードの暗証番号は金庫の封筒にしまってあります。",
            "th": "รหัสผ่านของเราอยู่ในตู้เซฟที่สำนักงาน",
            "en": "The office safe holds the spare keys and the card readers.",
        }
        for lang, text in texts.items():
            commit(store, ROOT / f"{lang}.txt", [text])
        chunk = {p.path: p.chunk_id for p in store.passages()}
        of = {lang: chunk[str(ROOT / f"{lang}.txt")] for lang in texts}
        search = KeywordSearch(store.keywords, postings_budget=1000)

        def ranked(query: str) -> list[int]:
            return list(search.search(query, 5))

        assert ranked("暗証番号")[0] == of["ja"] and ranked("暗证番号")[0] == of["zh"]
        assert ranked("保险箱在哪里？") == [of["zh"]]
        assert ranked("iPhoneの暗証番号は")[0] == of["ja"]
        assert ranked("รหัสผ่าน") == [of["th"]]
        assert ranked("card keys") == [of["en"]]  # stemmed: "keys" and "card" as before
        assert store.keywords.rows_matching("番号", 10) == 2
        assert store.keywords.rows_matching("暗証", 10) == 1
        store.remove_paths([ROOT / "ja.txt"])
        assert ranked("暗証番号")[0] == of["zh"] and of["ja"] not in ranked("暗証番号")

    def test_filters_apply_inside_both_searches(self, store: Store) -> None:
        commit(store, ROOT / "a" / "air.txt", [self.zeppelin], collection="work", mtime=100.0)
        commit(store, ROOT / "b" / "air.md", [self.zeppelin + " Again."], collection="home",
               mtime=900.0)  # fmt: skip
        every = chunk_ids(store)
        cases = [
            SearchFilters(collections=("home",)),
            SearchFilters(folder=str(ROOT / "a")),
            SearchFilters(file_types=("md",)),
            SearchFilters(modified_since=500.0),
            SearchFilters(documents=(str(ROOT / "a" / "air.txt"),)),
        ]
        for filters in cases:
            allowed = sorted(chunk_ids(store, filters))
            assert len(allowed) == 1 and len(every) == 2, filters
            assert dense_ids(store, self.zeppelin, 5, allowed) == allowed
            assert list(store.keywords.top(["zeppelin"], 5, allowed)) == allowed
            hit_paths = {r.path for r in store.cards.hit_rows(sorted(every), filters)}
            assert len(hit_paths) == 1, filters

    def test_source_metadata_filters_and_names_documents(self, store: Store) -> None:
        """Content metadata (a message's headers, in its content card) and source metadata (a
        paper's Zotero item, per document) are both filtered on inside retrieval, name the
        document on its card and give hits their reference; a document keeps its source
        metadata when its content is linked again."""
        mail = ROOT / "inbox.mbox" / "m1.eml"
        headers = {"sender": ["Alice Smith <alice@example.org>"], "date": ["2024-03-05T10:00"],
                   "title": ["Budget review"], "cite": ["Alice Smith, 2024-03-05"]}  # fmt: skip
        commit(store, mail, [self.zeppelin], card=ContentCard(meta=source_meta.encode(headers)))
        paper = ROOT / "storage" / "smith.pdf"
        commit(store, paper, [self.pasta])
        cid = store.content.collection_id("work") or 0
        item = {"author_last": ["Smith"], "year": ["2021"], "collection": ["Thesis"],
                "tag": ["project/alpha"], "cite": ["Smith et al. (2021)"]}  # fmt: skip
        assert store.content.set_source_meta(cid, paper, item)
        assert not store.content.set_source_meta(cid, ROOT / "absent.pdf", item)
        every = sorted(chunk_ids(store))
        cases = {
            mail: [SearchFilters(sender="ALICE"), SearchFilters(date_from="2024-03-05"),
                   SearchFilters(date_to="2024-12-31", date_from="2024-01-01")],
            paper: [SearchFilters(tags=("project",)), SearchFilters(tags=("#project/alpha",)),
                    SearchFilters(fields=(("collection", "thesis"),))],
        }  # fmt: skip
        for path, filters_list in cases.items():
            for filters in filters_list:
                rows = store.cards.hit_rows(every, filters)
                assert {r.path for r in rows} == {str(path)}, filters
                assert len(chunk_ids(store, filters)) == 1, filters
        assert not store.cards.hit_rows(every, SearchFilters(sender="bob"))
        assert not store.cards.hit_rows(every, SearchFilters(date_to="2024-03-04"))
        references = {r.path: r.reference for r in store.cards.hit_rows(every, SearchFilters())}
        assert references[str(paper)] == "Smith et al. (2021)"
        assert references[str(mail)] == "Alice Smith, 2024-03-05"
        cards = store.cards.search_cards(["smith", "2021"], 5)  # the name words: author, year
        best = max(cards, key=lambda d: cards[d])
        assert store.document_paths([best]) == {best: str(paper)}
        store.content.link_existing_content(cid, paper, (11, 2000.0), f"sha-{paper}", "pdf")
        assert store.cards.hit_rows(every, SearchFilters(tags=("project",)))

    def test_source_state_is_remembered_per_path(self, store: Store) -> None:
        cid = store.content.collection_id("work") or 0
        archive = ROOT / "inbox.mbox"
        assert store.content.source_state(cid, archive) is None
        store.content.set_source_state(cid, archive, '{"offset": 10}')
        store.content.set_source_state(cid, archive, '{"offset": 20}')
        assert store.content.source_state(cid, archive) == '{"offset": 20}'
        store.content.set_source_state(cid, archive, None)
        assert store.content.source_state(cid, archive) is None

    def test_identical_content_is_stored_once(self, store: Store) -> None:
        first = commit(store, ROOT / "one.txt", [self.zeppelin], sha="same")
        second = commit(store, ROOT / "copy" / "one.txt", [self.zeppelin], sha="same")
        assert first == second and store.status().chunks == 1 and store.status().documents == 2
        (chunk,) = chunk_ids(store)
        assert len(store.cards.chunk_documents([chunk])[chunk]) == 2

    def test_card_periods_are_read_by_document(self, store: Store) -> None:
        commit(store, ROOT / "acme_2023_q2.txt", [self.zeppelin])
        commit(store, ROOT / "globex_2022.txt", [self.zeppelin], sha="other")
        docs = store.cards.search_cards(["acme", "globex"], 10)
        periods = store.cards.card_periods(list(docs))
        assert sorted(periods.values()) == sorted(
            p for _, p, _ in store.cards.card_names(list(docs))
        )
        (acme,) = [d for d in docs if "2023q2" in periods[d].split()]
        assert "y2022" in periods[next(d for d in docs if d != acme)].split()
        assert store.cards.card_periods([]) == {}

    def test_removing_paths_keeps_shared_content_only(self, store: Store) -> None:
        commit(store, ROOT / "keep" / "one.txt", [self.zeppelin], sha="same")
        commit(store, ROOT / "gone" / "one.txt", [self.zeppelin], sha="same")
        commit(store, ROOT / "gone" / "pasta.txt", [self.pasta])
        assert store.remove_paths([ROOT / "gone"]) == 2
        assert [d.path for d in store.documents()] == [str(ROOT / "keep" / "one.txt")]
        assert store.status().chunks == 1 and len(dense_ids(store, self.pasta)) == 1
        assert store.remove_paths([ROOT / "keep" / "one.txt"]) == 1
        assert store.is_empty() and dense_ids(store, self.zeppelin) == []

    def test_roots_and_their_watch_flags(self, store: Store) -> None:
        cid = store.content.collection_id("work") or 0
        store.content.add_root(cid, ROOT / "a")
        store.content.add_root(cid, ROOT / "b", watch=True)
        store.content.add_root(cid, ROOT / "b")  # adding again never unwatches
        assert store.roots(watched_only=True) == [("work", str(ROOT / "b"), True)]
        store.set_watch("work", str(ROOT / "a"), True)
        store.set_watch("work", str(ROOT / "b"), False)
        assert store.roots(watched_only=True) == [("work", str(ROOT / "a"), True)]
        assert len(store.roots()) == 2

    def test_status_counts_documents_chunks_vectors_and_failures(self, store: Store) -> None:
        commit(store, ROOT / "a.txt", [self.zeppelin, self.pasta])
        commit(store, ROOT / "b.txt", [self.pasta + " Twice."], collection="home")
        cid = store.content.collection_id("work") or 0
        store.content.record_failure(cid, ROOT / "bad.pdf", (1, 1.0), "pdf", "failed", "broken")
        status = store.status()
        assert (status.documents, status.chunks, status.vectors) == (2, 3, 3)
        assert status.collections == {"home": 1, "work": 1}
        assert [(f.path, f.message) for f in status.failed] == [(str(ROOT / "bad.pdf"), "broken")]

    def test_documents_read_whole_and_in_order(self, store: Store) -> None:
        commit(store, ROOT / "air.txt", [self.zeppelin, self.pasta])
        (doc,) = store.find_documents([str(ROOT / "air.txt")])
        assert [c.text for c in store.chunks_in_order(doc.blob_id)] == [self.zeppelin, self.pasta]
        assert [p.text for p in store.document_passages(doc.document_id)] == [
            self.zeppelin,
            self.pasta,
        ]
        assert store.documents_under(str(ROOT), 10) == [str(ROOT / "air.txt")]
        assert store.document_paths([doc.document_id]) == {doc.document_id: str(ROOT / "air.txt")}
        info = store.document_info(doc.document_id)
        assert info is not None and info.chunks == 2 and info.title == "air"

    def test_incremental_indexing_reads(self, store: Store) -> None:
        commit(store, ROOT / "a" / "one.txt", [self.zeppelin])
        commit(store, ROOT / "a" / "two.txt", [self.pasta])
        cid = store.content.collection_id("work", create=False) or 0
        row = store.catalog.document(cid, str(ROOT / "a" / "one.txt"))
        assert row is not None and row["sha256"] == f"sha-{ROOT / 'a' / 'one.txt'}"
        assert set(store.catalog.paths_under(cid, str(ROOT / "a"))) == {
            str(ROOT / "a" / "one.txt"),
            str(ROOT / "a" / "two.txt"),
        }
        assert [r[1] for r in store.catalog.chunks_after(0, 10)] == [self.zeppelin, self.pasta]

    def test_reopening_keeps_everything_and_migrates_nothing_twice(
        self, open_store: OpenStore
    ) -> None:
        store = open_store()
        commit(store, ROOT / "air.txt", [self.zeppelin])
        before = store.status()
        store.save_vectors()
        store.close()
        again = open_store()
        try:
            assert again.status() == before
            assert dense_ids(again, self.zeppelin) == sorted(chunk_ids(again))
        finally:
            again.close()
