"""Note vaults: front-matter fields and #tags as metadata and filters, wiki-links resolved to
the linked note's title, and the vault's own folders left out."""

from __future__ import annotations

from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.ingest.parsers import parse_file
from sourcewise.core.ingest.sources import vault
from sourcewise.core.types import SearchFilters


def _vault(root: Path) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "workspace.md").write_text("# Workspace\nsettings of the app")
    (root / ".trash").mkdir()
    (root / ".trash" / "old.md").write_text("# Old\nthe deleted lighthouse note")
    (root / "projects").mkdir()
    (root / "projects" / "q3-plan.md").write_text(
        "---\ntitle: Quarterly Budget Review 2024\ntags: [finance, project/alpha]\n"
        "status: draft\n---\nThe lighthouse repairs take most of the budget.\n"
    )
    (root / "daily.md").write_text(
        "# Monday\nTalked with Ana about the lighthouse; see [[q3-plan]] and [[missing note]].\n"
        "#meeting #project/beta\n"
    )
    (root / "recipes.md").write_text("---\ntags:\n  - cooking\n---\nThe lighthouse soup recipe.\n")
    return root


def test_a_tag_filter_finds_only_tagged_notes(engine: Engine, tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault")
    report = engine.library.index([root])
    assert report.files_indexed == 3  # .obsidian/ and .trash/ are not notes
    assert {Path(d.path).name for d in engine.library.documents()} == {"q3-plan.md", "daily.md",
                                                               "recipes.md"}  # fmt: skip

    def names(filters: SearchFilters) -> set[str]:
        return {Path(h.path).name for h in engine.library.search("lighthouse", 10, filters)}

    assert names(SearchFilters(tags=("cooking",))) == {"recipes.md"}
    assert names(SearchFilters(tags=("#meeting",))) == {"daily.md"}
    assert names(SearchFilters(tags=("project",))) == {"q3-plan.md", "daily.md"}
    assert names(SearchFilters(tags=("project/alpha",))) == {"q3-plan.md"}
    assert names(SearchFilters(fields=(("status", "Draft"),))) == {"q3-plan.md"}
    assert names(SearchFilters(tags=("finance", "cooking"))) == set()  # every tag required


def test_a_wiki_link_reads_as_the_linked_notes_title(engine: Engine, tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault")
    engine.library.index([root])
    daily = [p.text for p in engine.library.passages() if p.path == str(root / "daily.md")]
    text = " ".join(daily)
    assert "q3-plan (→ Quarterly Budget Review 2024)" in text
    assert "missing note" in text and "[[" not in text  # unresolved: its text
    hits = engine.library.search("Quarterly Budget Review 2024 Ana", 5)
    assert str(root / "daily.md") in {h.path for h in hits}
    title = next(h.document_title for h in hits if h.path.endswith("q3-plan.md"))
    assert title == "Quarterly Budget Review 2024"


def test_logseq_properties_and_its_folder(engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "graph"
    (root / "logseq" / "bak").mkdir(parents=True)
    (root / "logseq" / "config.edn").write_text("{}")
    (root / "logseq" / "bak" / "copy.md").write_text("- a backup of the harbour page")
    (root / "pages").mkdir()
    (root / "pages" / "harbour.md").write_text(
        "tags:: boats, harbour\n\n- The harbour opens in May"
    )
    engine.library.index([root])
    assert [Path(d.path).name for d in engine.library.documents()] == ["harbour.md"]
    assert engine.library.search("harbour", 3, SearchFilters(tags=("boats",)))


def test_malformed_front_matter_is_a_warning_not_a_lost_note(tmp_path: Path) -> None:
    note = tmp_path / "bad.md"
    note.write_text("---\ntitle: Open\n: : nonsense\n---\nThe body survives.\n")
    doc = parse_file(note)
    assert doc.title == "Open" and "body survives" in doc.blocks[-1].text
    assert any("front matter" in w for w in doc.warnings)
    unclosed = tmp_path / "unclosed.md"
    unclosed.write_text("---\ntitle: never closed\nThe body.\n")
    doc = parse_file(unclosed)
    assert any("never closes" in w for w in doc.warnings) and doc.blocks


def test_inline_tags_leave_out_numbers_and_urls() -> None:
    text = "Issue #42 at https://x.org/page#intro with #Plans and #area/sub-topic."
    assert vault.inline_tags(text) == ["plans", "area/sub-topic"]
