"""Parsers and the registry, on fixture files generated in tmp_path by tests/ingest/corpus.py."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.ingest.parsers import SUPPORTED_EXTENSIONS, is_supported, parse_file

from . import corpus


def kinds(doc: ParsedDocument) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in doc.blocks]


def failure(path: Path, **kwargs: object) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_file(path, **kwargs)  # type: ignore[arg-type]
    return caught.value


# --- registry -------------------------------------------------------------------------------


def test_registry_knows_the_formats() -> None:
    for ext in ("pdf", "docx", "pptx", "xlsx", "csv", "html", "md", "epub", "txt", "py", "json"):
        assert ext in SUPPORTED_EXTENSIONS
    assert is_supported(Path("Report.PDF"))
    assert not is_supported(Path("archive.rar"))
    assert not is_supported(Path("Makefile"))


def test_registry_import_is_cheap() -> None:
    code = (
        "import sys, sourcewise.core.ingest.parsers as p; "
        "heavy = {'pymupdf', 'docx', 'pptx', 'openpyxl', 'ebooklib', 'bs4', 'rapidocr_onnxruntime'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unsupported_extension_is_named(tmp_path: Path) -> None:
    err = failure(corpus.make_text(tmp_path / "archive.rar", "data"))
    assert err.kind == "unsupported"
    assert ".rar" in str(err)


def test_zero_byte_file_is_empty(tmp_path: Path) -> None:
    for name in ("zero.pdf", "zero.docx", "zero.txt"):
        (tmp_path / name).write_bytes(b"")
        assert failure(tmp_path / name).kind == "empty"


def test_whitespace_only_text_is_empty(tmp_path: Path) -> None:
    assert failure(corpus.make_text(tmp_path / "blank.md", " \n\n\t\n")).kind == "empty"


def test_too_large(tmp_path: Path) -> None:
    path = corpus.make_text(tmp_path / "big.txt", "x" * 2000)
    err = failure(path, max_bytes=1000)
    assert err.kind == "too_large"
    assert "2.0 kB" in str(err)
    assert parse_file(path, max_bytes=5000).blocks


def test_unreadable(tmp_path: Path) -> None:
    assert failure(tmp_path / "missing.txt").kind == "unreadable"
    (tmp_path / "folder.txt").mkdir()
    assert failure(tmp_path / "folder.txt").kind == "unreadable"


def test_hostile_corpus(tmp_path: Path) -> None:
    for path, expected in corpus.make_hostile_corpus(tmp_path).items():
        try:
            document = parse_file(path, ocr=False)
        except ParseError as err:
            assert err.kind == expected, (path.name, err.kind, str(err))
            assert str(err) and "\n" not in str(err)
        else:
            assert expected is None, path.name
            assert document.text_length > 0


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_pages_labels_metadata_and_headings(tmp_path: Path) -> None:
    path = corpus.make_pdf(
        tmp_path / "book.pdf",
        ["Preface text.", "Contents here.", "Chapter text.\n\nSecond paragraph.", "The end."],
        labels=corpus.ROMAN_THEN_ARABIC,
        title="The Book",
        author="A. Writer",
        headings=[None, None, "Chapter One", None],
        footer="Running footer page {n}",
    )
    doc = parse_file(path)
    assert (doc.file_type, doc.title, doc.author, doc.page_count) == (
        "pdf",
        "The Book",
        "A. Writer",
        4,
    )
    assert [(b.page, b.page_label, b.kind, b.level, b.text) for b in doc.blocks] == [
        (1, "i", "paragraph", 0, "Preface text."),
        (2, "ii", "paragraph", 0, "Contents here."),
        (3, "1", "heading", 1, "Chapter One"),
        (3, "1", "paragraph", 0, "Chapter text."),
        (3, "1", "paragraph", 0, "Second paragraph."),
        (4, "2", "paragraph", 0, "The end."),
    ]  # the running footer is gone
    bbox = doc.blocks[0].bbox
    assert bbox is not None and 60 < bbox[0] < 80 and bbox[1] < bbox[3]
    assert doc.warnings == []


def test_pdf_without_labels_has_no_page_label(tmp_path: Path) -> None:
    doc = parse_file(corpus.make_pdf(tmp_path / "plain.pdf", ["One.", "Two."]))
    assert [(b.page, b.page_label) for b in doc.blocks] == [(1, None), (2, None)]
    assert doc.title is None


def test_pdf_encrypted(tmp_path: Path) -> None:
    err = failure(corpus.make_encrypted_pdf(tmp_path / "locked.pdf"))
    assert (err.kind, str(err)) == ("encrypted", "PDF is password-protected")


def test_pdf_truncated_zero_byte_and_fake(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from sourcewise.core.ingest.parsers import pdf

    whole = corpus.make_pdf(tmp_path / "whole.pdf", ["Some text."] * 3)
    assert failure(corpus.make_truncated(tmp_path / "cut.pdf", whole, 0.05)).kind == "corrupt"
    half = corpus.make_truncated(tmp_path / "half.pdf", whole, 0.5)
    try:
        repaired = pdf.parse(half)
    except ParseError as err:
        assert err.kind in {"corrupt", "empty"}
    else:  # MuPDF may rebuild what was left; then it must say so
        assert any("damaged" in w for w in repaired.warnings)
    (tmp_path / "zero.pdf").write_bytes(b"")
    with pytest.raises(ParseError) as caught:
        pdf.parse(tmp_path / "zero.pdf")
    assert caught.value.kind == "empty"
    fake = corpus.make_text(tmp_path / "fake.pdf", "just some words, not a PDF")
    assert failure(fake).kind == "corrupt"
    assert capfd.readouterr() == ("", "")  # MuPDF's complaints do not reach the console


@pytest.fixture(scope="module")
def scanned_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus.make_scanned_pdf(tmp_path_factory.mktemp("scan") / "scan.pdf")


def test_pdf_scanned_page_is_ocred(scanned_pdf: Path) -> None:
    doc = parse_file(scanned_pdf)
    text = " ".join(b.text for b in doc.blocks).lower()
    assert "invoice" in text and "4711" in text and "total" in text
    assert all(b.page == 1 and b.bbox is not None for b in doc.blocks)
    assert doc.warnings == ["page 1 read by OCR"]


def test_pdf_scanned_without_ocr_is_empty(scanned_pdf: Path) -> None:
    err = failure(scanned_pdf, ocr=False)
    assert err.kind == "empty" and "OCR" in str(err)


def test_ocr_page_text_top_to_bottom(scanned_pdf: Path) -> None:
    import pymupdf

    from sourcewise.core.ingest.parsers import ocr

    with pymupdf.open(scanned_pdf) as doc:
        lines = ocr.page_text(doc[0]).lower().splitlines()
    assert len(lines) >= 2
    assert "invoice" in lines[0] and "total" in lines[-1]


def test_pdf_mixed_keeps_text_and_ocr(tmp_path: Path) -> None:
    doc = parse_file(corpus.make_mixed_pdf(tmp_path / "mixed.pdf"))
    assert doc.blocks[0] == Block(
        "This page has a real text layer.", page=1, bbox=doc.blocks[0].bbox
    )
    ocr_text = " ".join(b.text for b in doc.blocks if b.page == 2).lower()
    assert "receipt" in ocr_text and "coffee" in ocr_text
    assert doc.warnings == ["page 2 read by OCR"]
    no_ocr = parse_file(tmp_path / "mixed.pdf", ocr=False)
    assert [b.page for b in no_ocr.blocks] == [1]
    assert no_ocr.warnings == ["page 2 skipped: no text layer and OCR is off"]


def test_pdf_without_ocr_engine_keeps_text_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sourcewise.core.ingest.parsers import ocr

    def unavailable() -> None:
        raise ocr.OcrError("OCR engine unavailable (No module named 'rapidocr_onnxruntime')")

    monkeypatch.setattr(ocr, "_engine", None)
    monkeypatch.setattr(ocr, "_engine_error", None)
    monkeypatch.setattr(ocr, "_build_engine", unavailable)
    doc = parse_file(corpus.make_mixed_pdf(tmp_path / "mixed.pdf"))
    assert [b.page for b in doc.blocks] == [1]
    assert doc.warnings == [
        "page 2: OCR engine unavailable (No module named 'rapidocr_onnxruntime')"
    ]
    err = failure(corpus.make_scanned_pdf(tmp_path / "scan.pdf"))
    assert err.kind == "empty" and "OCR engine unavailable" in str(err)


# --- Office ---------------------------------------------------------------------------------


def test_docx_structure_in_document_order(tmp_path: Path) -> None:
    doc = parse_file(corpus.make_docx(tmp_path / "notes.docx"))
    assert (doc.file_type, doc.title, doc.author) == ("docx", "Engine Notes", "Ada Lovelace")
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        ("heading", 1, "Engine Notes"),
        ("heading", 1, "Introduction"),
        ("paragraph", 0, "The Analytical Engine weaves algebraic patterns."),
        ("list", 0, "- Punched cards\n- A store of numbers"),
        ("heading", 2, "Figures"),
        ("table", 0, "| Name | Year |\n| --- | --- |\n| Ada | 1843 |\n| Charles | 1837 |"),
        ("paragraph", 0, "Text after the table."),
    ]


def test_office_damaged_encrypted_and_fake(tmp_path: Path) -> None:
    whole = corpus.make_docx(tmp_path / "whole.docx")
    err = failure(corpus.make_truncated(tmp_path / "cut.docx", whole, 0.5))
    assert err.kind == "corrupt" and "DOCX" in str(err)
    for ext in ("docx", "xlsx", "pptx"):
        err = failure(corpus.make_fake_encrypted_office(tmp_path / f"locked.{ext}"))
        assert (err.kind, str(err)) == ("encrypted", f"{ext.upper()} is password-protected")
    err = failure(corpus.make_text(tmp_path / "fake.xlsx", "name,year\n"))
    assert (err.kind, str(err)) == ("corrupt", "not a valid XLSX (not a zip archive)")
    with zipfile.ZipFile(tmp_path / "other.pptx", "w") as archive:
        archive.writestr("hello.txt", "not a presentation")
    assert failure(tmp_path / "other.pptx").kind == "corrupt"


def test_pptx_slides_are_pages(tmp_path: Path) -> None:
    doc = parse_file(corpus.make_pptx(tmp_path / "deck.pptx"))
    assert (doc.title, doc.page_count) == ("Quarterly Review", 2)
    assert [(b.page, b.kind, b.text) for b in doc.blocks] == [
        (1, "heading", "Revenue grew"),
        (1, "paragraph", "Sales up 12 percent\nCosts flat"),
        (1, "paragraph", "Notes: Mention the new office."),
        (2, "heading", "Regional numbers"),
        (2, "table", "| Region | Sales |\n| --- | --- |\n| North | 120 |"),
    ]


def test_xlsx_sheets_are_pages_holding_a_table(tmp_path: Path) -> None:
    doc = parse_file(corpus.make_xlsx(tmp_path / "book.xlsx"))
    assert (doc.title, doc.author, doc.page_count) == ("Workbook title", "Ada Lovelace", 3)
    assert [(b.page, b.page_label, b.kind, b.text) for b in doc.blocks] == [
        (1, "People", "heading", "People"),
        (
            1,
            "People",
            "table",
            "| Name | Year |\n| --- | --- |\n| Ada | 1843 |\n| Charles | 1837 |",
        ),
        (3, "Notes", "heading", "Notes"),
        (3, "Notes", "table", "| Column 1 |\n| --- |\n| Remember the cards |"),
    ]


# --- CSV, HTML, Markdown, EPUB ----------------------------------------------------------------


def test_csv_is_a_table_utf8(tmp_path: Path) -> None:
    doc = parse_file(corpus.make_csv(tmp_path / "people.csv"))
    assert kinds(doc) == [
        ("table", "| Name | City |\n| --- | --- |\n| Zoë | Zürich |\n| José | Málaga |"),
    ]


def test_csv_semicolon_cp1252_and_tsv(tmp_path: Path) -> None:
    rows = [("Produkt", "Preis", "Notiz"), ("Käse", "3,50", "lecker; würzig"), ("Brot", "2", "")]
    path = tmp_path / "prices.csv"
    path.write_bytes(
        'Produkt;Preis;Notiz\r\nKäse;3,50;"lecker; würzig"\r\nBrot;2;\r\n'.encode("cp1252")
    )
    table = "| Produkt | Preis | Notiz |\n| --- | --- | --- |\n"
    assert [b.text for b in parse_file(path).blocks] == [
        table + "| Käse | 3,50 | lecker; würzig |\n| Brot | 2 |  |"
    ]
    tsv = corpus.make_csv(tmp_path / "t.tsv", rows[:2], delimiter="\t")
    assert parse_file(tsv).blocks[0].text == table + "| Käse | 3,50 | lecker; würzig |"
    assert parse_file(tsv).file_type == "tsv"


def test_html_main_content_without_noise(tmp_path: Path) -> None:
    for encoding in ("utf-8", "windows-1252"):
        doc = parse_file(corpus.make_html(tmp_path / f"page-{encoding}.html", encoding=encoding))
        assert doc.title == "Café Guide"
        assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
            ("heading", 1, "Best cafés"),
            ("paragraph", 0, "Our favourite place serves crème brûlée."),
            ("heading", 2, "Opening hours"),
            ("list", 0, "- Monday to Friday\n- Sunday brunch"),
            ("table", 0, "| Day | Hours |\n| --- | --- |\n| Mon | 8-18 |"),
            ("code", 0, "  espresso = 1\n  latte = 2"),
            ("paragraph", 0, "Loose text in a div"),
        ]
        assert "NOISE" not in " ".join(b.text for b in doc.blocks)


def test_html_without_main_uses_body_and_keeps_article_header(tmp_path: Path) -> None:
    path = tmp_path / "post.htm"
    path.write_text(
        "<body><nav>Skip</nav><article><header><h1>Post title</h1></header>"
        "<p>Body text.</p></article><footer>Bye</footer></body>",
        encoding="utf-8",
    )
    doc = parse_file(path)
    assert kinds(doc) == [("heading", "Post title"), ("paragraph", "Body text.")]
    assert doc.title == "Post title"


def test_markdown_blocks(tmp_path: Path) -> None:
    doc = parse_file(corpus.make_markdown(tmp_path / "guide.md"))
    assert (doc.file_type, doc.title) == ("md", "Field Guide")
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        ("heading", 1, "Birds of the North"),
        ("paragraph", 0, "Intro paragraph that runs over two lines with a link."),
        ("heading", 2, "Waders"),
        ("list", 0, "- Curlew\n- Oystercatcher with a long bill"),
        ("heading", 2, "Setext second level"),
        ("table", 0, "| Bird | Length |\n| --- | --- |\n| Curlew | 55 cm |"),
        ("code", 0, 'def fly():\n    return "up"'),
        ("paragraph", 0, "Quoted wisdom."),
    ]


def test_markdown_title_falls_back_to_first_h1(tmp_path: Path) -> None:
    doc = parse_file(corpus.make_markdown(tmp_path / "a.md", "Intro\n\n# Real Title\n\ntext\n"))
    assert doc.title == "Real Title"
    assert kinds(doc)[0] == ("paragraph", "Intro")


def test_epub_chapters(tmp_path: Path) -> None:
    doc = parse_file(corpus.make_epub(tmp_path / "alice.epub"))
    assert (doc.file_type, doc.title, doc.author) == ("epub", "Alice", "Lewis Carroll")
    assert [(b.kind, b.level, b.page, b.text) for b in doc.blocks] == [
        ("heading", 1, None, "Down the Rabbit-Hole"),
        ("paragraph", 0, None, "Alice was beginning to tire."),
        ("heading", 1, None, "The Pool of Tears"),
        ("paragraph", 0, None, "Curiouser and curiouser!"),
    ]


def test_epub_with_drm_is_encrypted(tmp_path: Path) -> None:
    path = corpus.make_epub(tmp_path / "drm.epub")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            "META-INF/encryption.xml",
            '<encryption><EncryptedData><EncryptionMethod Algorithm="'
            'http://www.w3.org/2001/04/xmlenc#aes128-cbc"/></EncryptedData></encryption>',
        )
    assert failure(path).kind == "encrypted"


# --- plain text and code --------------------------------------------------------------------


def test_text_encodings(tmp_path: Path) -> None:
    latin = "Café crème brûlée, naïve façade, Straße."
    for name, encoding, bom in [
        ("latin1.txt", "latin-1", False),
        ("cp1252.txt", "cp1252", False),
        ("utf16.txt", "utf-16", False),
        ("utf16le.txt", "utf-16-le", False),
        ("utf16bom.txt", "utf-16-le", True),
        ("utf8sig.txt", "utf-8-sig", False),
    ]:
        doc = parse_file(corpus.make_text(tmp_path / name, latin, encoding, bom=bom))
        assert kinds(doc) == [("paragraph", latin)], name


def test_short_latin1_words_decode(tmp_path: Path) -> None:
    for text in ("Olé", "Ça va très bien", "Grüße", "Año nuevo", "Smörgåsbord"):
        path = corpus.make_text(tmp_path / "w.txt", text, "latin-1")
        assert parse_file(path).blocks[0].text == text


def test_binary_named_txt_is_not_text(tmp_path: Path) -> None:
    err = failure(corpus.make_binary(tmp_path / "program.txt"))
    assert err.kind == "not_text"


def test_paragraphs_and_code_blocks(tmp_path: Path) -> None:
    prose = corpus.make_text(tmp_path / "notes.txt", "First para\nline two.\r\n\r\n  \nSecond.\n")
    assert kinds(parse_file(prose)) == [
        ("paragraph", "First para\nline two."),
        ("paragraph", "Second."),
    ]
    source = "import os\n\n\ndef main():\n    return os.sep\n\n    # still main\n"
    doc = parse_file(corpus.make_text(tmp_path / "tool.py", source))
    assert doc.file_type == "py"
    assert kinds(doc) == [
        ("code", "import os"),
        ("code", "def main():\n    return os.sep"),
        ("code", "    # still main"),
    ]


def test_a_large_text_file_is_cut_into_bounded_blocks(tmp_path: Path) -> None:
    # No wall-clock assertion (it failed on a loaded machine): the speed is bench/index.py's
    # job; here every paragraph is its own block and an unbroken run is cut to size.
    paragraph = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8 + "\n\n"
    path = tmp_path / "big.log"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(paragraph * (20_000_000 // len(paragraph)))
        handle.write("x" * 30_000)  # one long unbroken block at the end
    doc = parse_file(path)
    assert len(doc.blocks) == 20_000_000 // len(paragraph) + 4
    assert max(len(b.text) for b in doc.blocks) <= 8000
