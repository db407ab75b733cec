"""EmbeddingGemma's INT8 ONNX runtime without the model: a tiny Gemma-style tokenizer
(``<bos> text <eos>``) and a fake ONNX session that records what it is fed; the factory picks
this runtime only when the install made and recorded the INT8 file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers, processors

from sourcewise.core.embed import gemma_onnx
from sourcewise.core.embed.gemma_onnx import GemmaOnnxEmbedder, folder_prompts
from sourcewise.core.embed.sentence import SentenceTransformerEmbedder
from sourcewise.core.factory import make_embedder
from sourcewise.core.modelstore import ModelStore, convert
from sourcewise.core.settings import EmbedSettings, Settings

GEMMA = "embeddinggemma-300m"
WORDS = ["task:", "find", "|", "query:", "doc:", "die", "garantie", "gilt", "warranty", "?"]
PROMPTS = {"query": "task: find | query: ", "document": "doc: ", "STS": "task: sts | query: "}


def write_folder(folder: Path, prompts: dict[str, str] | None = PROMPTS) -> None:
    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3}
    vocab |= {w: i + 4 for i, w in enumerate(WORDS)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(
        single="<bos> $A <eos>", special_tokens=[("<bos>", 2), ("<eos>", 1)]
    )
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    if prompts is not None:
        config = {"prompts": prompts, "default_prompt_name": None}
        (folder / "config_sentence_transformers.json").write_text(json.dumps(config))


class FakeSession:
    """Returns a 768-d vector per row whose first value is the row's token count."""

    def __init__(self) -> None:
        self.fed: list[dict[str, Any]] = []

    def run(self, outputs: object, feed: dict[str, Any]) -> list[Any]:
        self.fed.append(feed)
        vecs = np.ones((feed["input_ids"].shape[0], 768), dtype=np.float32)
        vecs[:, 0] = feed["attention_mask"].sum(axis=1)
        return [vecs]


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> FakeSession:
    fake = FakeSession()
    opened: list[Path] = []

    def make(path: Path, settings: EmbedSettings) -> FakeSession:
        opened.append(path)
        return fake

    monkeypatch.setattr(gemma_onnx, "make_session", make)
    fake.opened = opened  # type: ignore[attr-defined]
    return fake


def embedder(folder: Path, dim: int = 768, max_tokens: int | None = 512) -> GemmaOnnxEmbedder:
    return GemmaOnnxEmbedder(GEMMA, dim, lambda: folder, lambda: folder / "int8.onnx",
                             EmbedSettings(batch_size=2), query_prefix="manifest-q: ",
                             document_prefix="manifest-d: ", max_tokens=max_tokens)  # fmt: skip


def test_prompts_come_from_the_folder_s_sentence_transformers_config(
    tmp_path: Path, session: FakeSession
) -> None:
    write_folder(tmp_path / "f")
    emb = embedder(tmp_path / "f")
    assert session.opened == []  # type: ignore[attr-defined]  # settings only: nothing loaded
    assert (emb.prompt("query"), emb.prompt("document")) == ("task: find | query: ", "doc: ")
    query = emb.embed_query("warranty ?")
    (feed,) = session.fed
    ids = feed["input_ids"][0].tolist()
    # <bos> task: find | query: warranty ? <eos>: the prompt is read (and pooled) as text
    assert ids == [2, 4, 5, 6, 7, 12, 13, 1]
    assert query.shape == (768,) and np.isclose(np.linalg.norm(query), 1.0)
    emb.embed_documents(["die garantie gilt"])
    assert session.fed[1]["input_ids"][0].tolist() == [2, 8, 9, 10, 11, 1]
    assert emb.count_tokens("die garantie gilt") == 3  # the text alone, no prompt or specials
    write_folder(tmp_path / "bare", prompts=None)  # no config: the manifest's prompts
    assert embedder(tmp_path / "bare").prompt("query") == "manifest-q: "
    assert folder_prompts(tmp_path / "f")["STS"] == "task: sts | query: "


def test_each_document_runs_alone_and_is_cut_with_eos_last(
    tmp_path: Path, session: FakeSession
) -> None:
    write_folder(tmp_path / "f")
    emb = embedder(tmp_path / "f", max_tokens=6)
    texts = ["die " * 9, "gilt", "die garantie", "garantie gilt die"]
    vecs = emb.embed_documents(texts)
    # one text per run, whatever embed.batch_size says (INT8 scales are per run), so no padding
    widths = [f["input_ids"].shape for f in session.fed]
    assert widths == [(1, 6), (1, 4), (1, 5), (1, 6)]  # in the texts' order, none padded
    assert all(f["attention_mask"].all() for f in session.fed)
    assert session.fed[1]["input_ids"][0].tolist() == [2, 8, 11, 1]
    for fed in (session.fed[0], session.fed[3]):  # cut to 6 tokens, <eos> kept last
        row = fed["input_ids"][0].tolist()
        assert len(row) == 6 and row[0] == 2 and row[-1] == 1
    # each text's vector is back in its own row (first value: its token count before norm)
    counts = [round(float(v[0] / v[1]), 3) for v in vecs]
    assert counts == [6.0, 4.0, 5.0, 6.0]
    assert emb.embed_documents([]).shape == (0, 768)


def test_a_matryoshka_size_keeps_the_first_values_renormalised(
    tmp_path: Path, session: FakeSession
) -> None:
    write_folder(tmp_path / "f")
    vec = embedder(tmp_path / "f", dim=128).embed_query("warranty")
    assert vec.shape == (128,) and np.isclose(np.linalg.norm(vec), 1.0)


def test_the_length_limit_never_exceeds_what_the_graph_reproduces(
    tmp_path: Path, session: FakeSession
) -> None:
    write_folder(tmp_path / "f")
    emb = embedder(tmp_path / "f", max_tokens=2048)
    (ids,) = emb.encode_ids(["die " * 600])
    assert len(ids) == gemma_onnx.MAX_TOKENS and ids[-1] == 1


@pytest.fixture
def gemma_store(tmp_path: Path) -> tuple[Settings, ModelStore]:
    """EmbeddingGemma "installed" (a sparse file of the manifest's size, as the store checks)."""
    settings = Settings(home=tmp_path / "home", models_dir=tmp_path / "m", embed={"model": GEMMA})
    store = ModelStore(settings)
    spec = store.spec(GEMMA)
    folder = tmp_path / "m" / spec.target
    write_folder(folder)
    taken = sum(p.stat().st_size for p in folder.iterdir())
    with (folder / "model.safetensors").open("wb") as fh:
        fh.truncate(spec.size_bytes - taken)
    return settings, store


def record_conversion(store: ModelStore, source_sha256: str | None = None) -> Path:
    spec = store.spec(GEMMA)
    out = convert.converted_dir(spec, store.models_dir)
    out.mkdir()
    (out / convert.MODEL_FILE).write_bytes(b"graph")
    record = {"source_sha256": source_sha256 or spec.sha256, "sha256": "0" * 64, "size_bytes": 5}
    (out / convert.RECORD_FILE).write_text(json.dumps(record))
    return out / convert.MODEL_FILE


def test_the_factory_picks_the_int8_runtime_only_when_it_was_made(
    gemma_store: tuple[Settings, ModelStore], session: FakeSession
) -> None:
    settings, store = gemma_store
    assert store.spec(GEMMA).convert == "onnx-int8"
    fallback = make_embedder(settings, store)
    assert isinstance(fallback, SentenceTransformerEmbedder) and fallback.name == GEMMA
    model = record_conversion(store)
    chosen = make_embedder(settings, store)
    assert isinstance(chosen, GemmaOnnxEmbedder)
    assert (chosen.name, chosen.dim) == (GEMMA, 768)  # same name: an index stays searchable
    chosen.warm_up()
    assert session.opened == [model]  # type: ignore[attr-defined]


def test_a_conversion_of_another_version_or_size_is_not_used(
    gemma_store: tuple[Settings, ModelStore],
) -> None:
    settings, store = gemma_store
    model = record_conversion(store, source_sha256="1" * 64)
    assert isinstance(make_embedder(settings, store), SentenceTransformerEmbedder)
    model.parent.joinpath(convert.RECORD_FILE).unlink()
    spec = store.spec(GEMMA)
    record = {"source_sha256": spec.sha256, "sha256": "0" * 64, "size_bytes": 6}
    model.parent.joinpath(convert.RECORD_FILE).write_text(json.dumps(record))
    assert isinstance(make_embedder(settings, store), SentenceTransformerEmbedder)  # truncated
