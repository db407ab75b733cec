"""The language guess behind `status`'s share of non-English text and its embedder hint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcewise.core.cli.main import main
from sourcewise.core.embed.languages import (
    embedder_hint,
    guess_language,
    language_mix,
    sample_texts,
)
from sourcewise.core.modelstore import load_manifest
from tests.fakes import fake_engine

GERMAN = ("Die Garantie der Drohne beträgt achtzehn Monate. Sie gilt nicht für Schäden, die "
          "durch einen Sturz entstehen, und wird auf der Rechnung vermerkt.")  # fmt: skip
ENGLISH = ("The drone's warranty lasts eighteen months. It does not cover damage from a fall, "
           "and it is noted on the invoice.")  # fmt: skip
CHINESE = "无人机的保修期为十八个月。跌落造成的损坏不在保修范围内，并在发票上注明。"
ARABIC = "مدة ضمان الطائرة ثمانية عشر شهرا. لا يشمل الضمان الأضرار الناتجة عن السقوط."
JAPANESE = "ドローンの保証期間は十八か月です。落下による損傷は保証の対象外です。"
SPANISH = "La garantía del dron es de dieciocho meses y no cubre los daños por una caída."


@pytest.mark.parametrize(
    ("text", "language"),
    [(GERMAN, "de"), (ENGLISH, "en"), (CHINESE, "zh"), (ARABIC, "ar"), (JAPANESE, "ja"),
     (SPANISH, "es"), ("Привет, как дела у тебя сегодня?", "ru"), ("", "und"),
     ("12.5 % 3,000 -- 42", "und"), ("def f(x): return x", "und")],
)  # fmt: skip
def test_a_text_s_language_is_guessed_from_script_and_function_words(
    text: str, language: str
) -> None:
    assert guess_language(text) == language


def test_the_mix_weighs_languages_by_the_amount_of_text() -> None:
    mix = language_mix([GERMAN * 3, ENGLISH, CHINESE, "42"])
    assert mix.sampled == 4
    assert next(iter(mix.shares)) == "de" and pytest.approx(sum(mix.shares.values())) == 1.0
    assert mix.non_english == pytest.approx(1 - mix.shares["en"] - mix.shares["und"])
    assert mix.main_languages() == ["German"]  # Chinese is under a tenth of the characters
    assert language_mix([]).shares == {} and language_mix([]).non_english == 0


def test_the_hint_proposes_the_multilingual_embedder_only_when_it_helps() -> None:
    models = load_manifest()
    german = language_mix([GERMAN] * 3 + [CHINESE] * 3 + [ENGLISH])
    hint = embedder_hint(german, "bge-small-en", models)
    assert hint is not None and "mostly German/Chinese" in hint
    assert "sourcewise models install embeddinggemma-300m" in hint
    assert 'embed.model = "embeddinggemma-300m"' in hint
    assert embedder_hint(language_mix([ENGLISH] * 3 + [GERMAN]), "bge-small-en", models) is None
    assert embedder_hint(german, "embeddinggemma-300m", models) is None  # already chosen
    no_multilingual = [m for m in models if not m.multilingual]
    assert embedder_hint(german, "bge-small-en", no_multilingual) is None


def notes(root: Path, texts: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in texts.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_status_reports_the_non_english_share_and_the_hint(tmp_path: Path) -> None:
    engine = fake_engine(tmp_path / "home")
    assert (
        engine.library.status().hints == [] and engine.library.status().non_english == 0
    )  # empty library
    docs = {f"note{i}.md": f"# Notiz {i}\n\n{GERMAN}\n\n{GERMAN}" for i in range(6)}
    engine.library.index([notes(tmp_path / "de", {**docs, "readme.md": ENGLISH})])
    st = engine.library.status()
    assert st.non_english > 0.7 and next(iter(st.languages)) == "de"
    assert len(st.hints) == 1 and "embeddinggemma-300m" in st.hints[0]
    assert len(sample_texts(engine._parts.store)) == st.chunks  # a small library is read whole


def test_an_english_library_gets_no_hint(tmp_path: Path) -> None:
    engine = fake_engine(tmp_path / "home")
    engine.library.index([notes(tmp_path / "en", {f"n{i}.md": ENGLISH * 2 for i in range(5)})])
    st = engine.library.status()
    assert st.languages.get("en", 0) > 0.9 and st.non_english < 0.1 and st.hints == []


def test_the_status_command_prints_the_hint_and_its_json_holds_the_shares(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    docs = notes(tmp_path / "docs", {"a.md": CHINESE * 4, "b.md": CHINESE * 3})
    fakes = ["--data-dir", str(tmp_path / "home"), "--set", 'embed.model="hash"', "--set",
             'llm.model="echo"', "--set", 'index.parse_mode="thread"']  # fmt: skip
    assert main([*fakes, "index", str(docs)]) == 0
    capsys.readouterr()
    assert main([*fakes, "status"]) == 0
    out = capsys.readouterr().out
    assert "hint: This library is mostly Chinese" in out
    assert main([*fakes, "status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["languages"] == {"zh": 1.0} and data["non_english"] == 1.0
    assert "embeddinggemma-300m" in data["hints"][0]


class _Catalog:
    """Chunk ids 1..n with gaps: what a store looks like after files were re-indexed."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def chunk_count(self) -> int:
        return len(self.ids)

    def chunks_after(self, last: int, limit: int) -> list[tuple[int, str, str, int]]:
        return [(i, f"chunk {i}", "", 1) for i in self.ids if i > last][:limit]


class _Store:
    def __init__(self, ids: list[int]) -> None:
        self.catalog = _Catalog(ids)


@pytest.mark.parametrize("ids", [list(range(1, 2001)), list(range(5000, 9000, 2))])
def test_the_sample_spreads_over_every_chunk_id(ids: list[int]) -> None:
    texts = sample_texts(_Store(ids), limit=100)  # type: ignore[arg-type]
    found = [int(t.split()[1]) for t in texts]
    assert 80 <= len(found) <= 100 and len(set(found)) == len(found)
    assert found[0] == ids[0] and found[-1] >= ids[int(len(ids) * 0.9)]  # first and last tenth
    assert sample_texts(_Store([]), limit=100) == []  # type: ignore[arg-type]
