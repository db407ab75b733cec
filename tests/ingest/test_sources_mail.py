"""Email: messages and their attachments as documents, filters by sender and date, citations
that name the message, quoted replies read once, and an mbox read incrementally."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from sourcewise.core.engine import Engine
from sourcewise.core.errors import Cancelled
from sourcewise.core.ingest.sources import mail, mbox
from sourcewise.core.progress import CancelToken, Progress
from sourcewise.core.rendering.render import source_lines
from sourcewise.core.testing import HashEmbedder
from sourcewise.core.types import SearchFilters
from tests.ingest.sources_corpus import append_mbox, message, pdf_bytes

FORECAST = "Turbine maintenance costs rise by twelve percent in the third quarter."
ALICE = "Alice Smith <alice@example.org>"
CAROL = "Carol Jones <carol@example.org>"


def _archive(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    reply = ("Thanks, the picnic moves to the boathouse.\n\n"
             "On Mon, 4 Mar 2024 at 09:00, Alice Smith <alice@example.org> wrote:\n"
             "> Our zeppelin hangar tour is cancelled this year.\n> Regards\n")  # fmt: skip
    messages = [
        message(ALICE, "bob@example.org", "Budget review", "Bob, the forecast is attached.",
                when=datetime(2024, 3, 5, 10), msgid="m1@example.org",
                attachments=(("forecast.pdf", pdf_bytes([FORECAST])),)),
        message(ALICE, "bob@example.org", "Hangar tour", "Our zeppelin hangar tour is cancelled "
                "this year.\nRegards", when=datetime(2024, 3, 4, 9), msgid="m0@example.org"),
        message(CAROL, "bob@example.org", "Re: Hangar tour", reply, when=datetime(2024, 5, 1, 9),
                msgid="m2@example.org"),
    ]  # fmt: skip
    path = folder / "inbox.mbox"
    append_mbox(path, messages)
    return path


def test_an_attachment_is_found_and_its_citation_names_the_message(
    engine: Engine, tmp_path: Path
) -> None:
    archive = _archive(tmp_path / "mail")
    report = engine.library.index([tmp_path / "mail"])
    assert report.files_indexed == 4 and report.files_failed == 0  # 3 messages, 1 attachment
    top = engine.library.search("turbine maintenance costs twelve percent", 3)[0]
    assert top.path == str(archive / "m1@example.org.eml" / "forecast.pdf")
    answer = engine.answers.ask("How much do turbine maintenance costs rise?")
    cited = answer.citations[0]
    assert cited.path == top.path and cited.page == 1
    for part in ("Alice Smith", "2024-03-05", "Budget review", "forecast.pdf"):
        assert part in cited.reference
    assert "Budget review" in "\n".join(source_lines(answer))
    message_hit = engine.library.search("Bob, the forecast is attached", 5)
    assert any(h.reference.startswith("Alice Smith, 2024-03-05, “Budget review”")
               for h in message_hit)  # fmt: skip


def test_sender_and_date_filters_apply_inside_search(engine: Engine, tmp_path: Path) -> None:
    _archive(tmp_path / "mail")
    engine.library.index([tmp_path / "mail"])
    by_alice = engine.library.search(
        "picnic boathouse", 10, SearchFilters(sender="alice@example.org")
    )
    assert by_alice and all("Alice Smith" in h.reference for h in by_alice)
    by_carol = engine.library.search("zeppelin hangar", 10, SearchFilters(sender="carol"))
    assert {Path(h.path).name for h in by_carol} == {"m2@example.org.eml"}
    march = engine.library.search(
        "hangar", 10, SearchFilters(date_from="2024-03-01", date_to="2024-03-31")
    )
    assert march and all("2024-03" in h.reference for h in march)
    assert not engine.library.search("hangar", 10, SearchFilters(sender="nobody@example.org"))


def test_a_quoted_reply_is_not_indexed_twice(engine: Engine, tmp_path: Path) -> None:
    archive = _archive(tmp_path / "mail")
    engine.library.index([tmp_path / "mail"])
    reply = [p for p in engine.library.passages() if p.path == str(archive / "m2@example.org.eml")]
    text = " ".join(p.text for p in reply)
    assert "boathouse" in text and "zeppelin" not in text and "wrote:" not in text


def test_quotes_are_left_out_in_the_usual_forms() -> None:
    body = ("Fine by me.\n\nOn Tue, 5 Mar 2024 at 10:02, Alice Smith\n<alice@example.org> wrote:\n"
            "> the old text\n")  # fmt: skip
    assert mail.without_quotes(body) == "Fine by me."
    outlook = "Agreed.\n\nFrom: Alice\nSent: Tuesday\nTo: Bob\nSubject: x\n\nthe old text"
    assert mail.without_quotes(outlook) == "Agreed."
    assert mail.without_quotes("-----Original Message-----\nold") == ""


def test_one_new_message_reads_and_embeds_only_that_message(
    tmp_path: Path, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.engine.conftest import fake_engine

    archive = _archive(tmp_path / "mail")
    engine = fake_engine(tmp_path / "home", embedder)
    engine.library.index([tmp_path / "mail"])
    assert engine.library.index([tmp_path / "mail"]).files_indexed == 0  # unchanged: nothing read
    append_mbox(archive, [message(CAROL, "bob@example.org", "Kayaks", "The kayaks arrive Friday.",
                                  when=datetime(2024, 6, 1), msgid="m3@example.org")])  # fmt: skip
    read: list[bytes] = []
    real = mail.read_message
    monkeypatch.setattr("sourcewise.core.ingest.sources.mailbox_index.read_message",
                        lambda raw, *a, **k: read.append(raw) or real(raw, *a, **k))  # fmt: skip
    embedder.calls = 0
    report = engine.library.index([tmp_path / "mail"])
    assert report.files_indexed == 1 and report.files_removed == 0
    assert len(read) == 1 and b"kayaks" in read[0] and embedder.calls == 1
    assert engine.library.status().documents == 5
    assert engine.library.search("kayaks arrive", 1)[0].path == str(archive / "m3@example.org.eml")
    engine.close()


def test_a_rewritten_archive_is_read_again_without_embedding_again(
    tmp_path: Path, embedder: HashEmbedder
) -> None:
    from tests.engine.conftest import fake_engine

    archive = _archive(tmp_path / "mail")
    engine = fake_engine(tmp_path / "home", embedder)
    engine.library.index([tmp_path / "mail"])
    raw = archive.read_bytes()
    archive.write_bytes(raw[raw.index(b"From ", 10) :])  # the first message deleted
    embedder.calls = 0
    report = engine.library.index([tmp_path / "mail"])
    assert report.files_removed == 2 and embedder.calls == 0  # the message and its attachment
    assert engine.library.status().documents == 2
    engine.close()


def test_progress_is_reported_and_cancel_keeps_what_was_committed(
    tmp_path: Path, embedder: HashEmbedder
) -> None:
    from tests.engine.conftest import fake_engine

    folder = tmp_path / "mail"
    folder.mkdir()
    archive = folder / "big.mbox"
    append_mbox(archive, [message(ALICE, "bob@example.org", f"Note {i}", f"Number {i} says hello.",
                                  when=datetime(2024, 1, 1 + i % 28), msgid=f"n{i}@x")
                          for i in range(300)])  # fmt: skip
    engine = fake_engine(tmp_path / "home", embedder, parse_workers=1)
    engine.settings.embed.batch_size = 4  # small batches: several commits before the end
    cancel = CancelToken()
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        if p.stage == "reading mail" and p.done > archive.stat().st_size // 2:
            cancel.cancel()

    with pytest.raises(Cancelled):
        engine.library.index([folder], progress=progress, cancel=cancel)
    done_before = engine.library.status().documents
    assert 0 < done_before < 300 and any(p.stage == "reading mail" for p in seen)
    report = engine.library.index([folder])
    assert engine.library.status().documents == 300 and report.files_indexed == 300 - done_before
    engine.close()


def test_bad_mail_gets_a_status_and_never_stops_indexing(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    _archive(folder)
    (folder / "broken.mbox").write_bytes(b"\x00\x01 this is not mail\nat all\n")
    (folder / "garbage.eml").write_bytes(b"\xff\xfe\x00 not a message \x00" * 20)
    (folder / "empty.eml").write_bytes(b"Subject: nothing\n\n")
    report = engine.library.index([folder])
    failures = {Path(f.path).name: f for f in report.failures}
    assert failures["broken.mbox"].status == "corrupt"
    assert "From " in failures["broken.mbox"].message
    assert report.files_indexed >= 4  # the good archive's messages and attachment
    assert {f.path for f in engine.library.status().failed} >= {str(folder / "broken.mbox")}


def test_mbox_reader_resumes_only_after_an_unchanged_prefix(tmp_path: Path) -> None:
    path = tmp_path / "a.mbox"
    append_mbox(path, [message(ALICE, "b@x", "One", "one", when=datetime(2024, 1, 1), msgid="1@x")])
    end = path.stat().st_size
    state = mbox.MboxState(end, mbox.tail_digest(path, end))
    append_mbox(path, [message(ALICE, "b@x", "Two", "two", when=datetime(2024, 1, 2), msgid="2@x")])
    assert mbox.resume_offset(path, path.stat().st_size, state) == end
    new = list(mbox.messages(path, end, CancelToken()))
    assert len(new) == 1 and b"Subject: Two" in new[0].raw
    path.write_bytes(path.read_bytes().replace(b"Subject: One", b"Subject: 1ne"))
    assert mbox.resume_offset(path, path.stat().st_size, state) == 0


def test_an_archive_removed_from_the_library_is_read_again(engine: Engine, tmp_path: Path) -> None:
    archive = _archive(tmp_path / "mail")
    engine.library.index([archive])
    assert engine.library.remove([archive]) == 4 and engine.library.status().documents == 0
    report = engine.library.index([archive])  # what was remembered of it must not skip it now
    assert report.files_indexed == 4 and engine.library.status().documents == 4


def test_an_html_only_reply_leaves_its_quote_out(tmp_path: Path) -> None:
    raw = (b"From: Carol <carol@example.org>\r\nSubject: Re: Tour\r\nDate: Mon, 1 Jul 2024 "
           b"10:00:00 +0000\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
           b"<p>See you at the boathouse.</p><div class=gmail_quote>On Mon, Alice wrote:<br>"
           b"<blockquote>Our <b>zeppelin</b> tour<blockquote>older</blockquote></blockquote></div>"
           b"<p>And the kayaks are booked.</p><blockquote>more quote</blockquote>")  # fmt: skip
    (item,) = mail.read_message(raw, tmp_path / "m.eml", ocr=False, max_bytes=1 << 20)
    assert item.doc is not None
    text = " ".join(b.text for b in item.doc.blocks)
    assert "boathouse" in text and "kayaks" in text  # inline answers between quotes stay
    assert "zeppelin" not in text and "older" not in text and "more quote" not in text
