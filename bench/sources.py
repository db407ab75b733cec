"""The sources people keep besides folders: an email archive, a note vault and a Zotero library,
indexed and questioned.

    .venv/bin/python bench/sources.py [--embedder real|hash] [--messages 2000] [--seed 7]

Generated offline and seeded (tests/ingest/sources_corpus.py builds the files): an mbox of
``--messages`` messages from 40 people (every 10th carries a one-page PDF report; some replies
quote the message they answer), a vault of 500 notes (front matter or inline #tags, wiki-links)
and a Zotero data directory of 100 papers (``zotero.sqlite`` in Zotero's schema, PDFs under
``storage/``). Each topic is written about three times by different people, under different
tags or by different author-years, so a question can only find its item by the sender, tag or
author-year it names. Measured: messages/s and notes/s indexed (first run), the re-index after
one new message is appended, and for 30 questions per source whether the right item (message,
attachment, note, paper) is in the top 5 and first. Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.ingest.sources_corpus

from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.testing import HashEmbedder
from tests.ingest.sources_corpus import Paper, append_mbox, message, pdf_bytes, zotero_library

FIRST = ["Alice", "Bruno", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas"]
LAST = ["Smith", "Okafor", "Lindqvist", "Moreau"]
THINGS = ["turbine inspection", "roof repair", "payroll audit", "server migration", "trade fair",
          "safety drill", "office move", "grant proposal", "supplier contract", "data backup",
          "boiler service", "website redesign", "staff survey", "fleet lease", "tax filing",
          "lab calibration", "warehouse count", "press release", "network upgrade",
          "customer workshop"]  # fmt: skip
PLACES = ["Lisbon", "Oslo", "Nairobi", "Osaka", "Quito", "Tallinn", "Perth", "Dakar", "Lyon",
          "Busan", "Cusco", "Gdansk", "Hanoi", "Izmir", "Kazan", "Leeds", "Malmo", "Porto",
          "Riga", "Sofia"]  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
TAGS = ["gardening", "finance", "travel", "health", "reading", "cooking", "fitness", "music",
        "parenting", "woodwork", "language", "photography"]  # fmt: skip
AUTHORS = ["Smith", "Garcia", "Chen", "Okafor", "Novak", "Haddad", "Kowalski", "Tanaka",
           "Silva", "Muller", "Rossi", "Dubois", "Ivanova", "Nakamura", "Jensen", "Patel"]  # fmt: skip


def _people() -> list[str]:
    return [f"{f} {last}" for last in LAST for f in FIRST]


def build_mail(folder: Path, n: int, rng: random.Random) -> tuple[Path, list[tuple[str, str]]]:
    """The archive, and (question, path of the right item) for 30 messages or attachments."""
    people = _people()
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "archive.mbox"
    raws, questions = [], []
    for i in range(n):
        # Topics come round every 1,200 messages: the sender shifts then, so that no two
        # messages share sender, topic and place (each question has one right message).
        sender = people[(i + 3 * (i // 1200)) % len(people)]
        thing, place = THINGS[(i // 3) % len(THINGS)], PLACES[(i // 60) % len(PLACES)]
        day, amount = rng.choice(DAYS), rng.randrange(1000, 90000)
        msgid = f"msg{i:05d}@bench.example"
        body = (f"About the {thing} in {place}: it is planned for {day}. The estimate is "
                f"{amount} euros and I will confirm the details next week.")  # fmt: skip
        if i % 7 == 3 and i:  # a reply quoting the previous message
            body += f"\n\nOn Mon, 1 Jan 2024, {people[(i - 1) % len(people)]} wrote:\n> old text"
        attachments = ()
        if i % 10 == 5:
            report = (f"Report on the {thing} in {place}. Prepared by {sender}. Budget line "
                      f"{rng.randrange(100, 999)}: {amount * 2} euros, approved on {day}.")  # fmt: skip
            attachments = ((f"report-{i}.pdf", pdf_bytes([report])),)
        when = datetime(2023, 1, 1) + timedelta(hours=7 * i)
        address = sender.lower().replace(" ", ".") + "@bench.example"
        raws.append(message(f"{sender} <{address}>", "me@bench.example", f"{thing.title()} {place}",
                            body, when=when, msgid=msgid, attachments=attachments))  # fmt: skip
        path = archive / f"{msgid}.eml"
        if i % 10 == 5 and len(questions) < 10:
            questions.append((f"What budget did {sender} approve in the report on the {thing} "
                              f"in {place}?", str(path / f"report-{i}.pdf")))  # fmt: skip
        elif i % 67 == 11 and len(questions) < 30:
            questions.append((f"What did {sender} write about the {thing} in {place}?", str(path)))
    append_mbox(archive, raws)
    return archive, questions[:30]


def build_vault(folder: Path, rng: random.Random) -> list[tuple[str, str]]:
    (folder / ".obsidian").mkdir(parents=True, exist_ok=True)
    (folder / ".obsidian" / "app.md").write_text("# settings\nnot a note")
    questions = []
    for i in range(500):
        tag = TAGS[i % len(TAGS)]
        thing, place = THINGS[(i // 3) % len(THINGS)], PLACES[(i // 60) % len(PLACES)]
        day = rng.choice(DAYS)
        name = f"note-{i:03d}"
        link = f"note-{(i * 7) % 500:03d}"
        if i % 2:
            head = f"---\ntitle: {thing.title()} notes {i}\ntags: [{tag}]\n---\n"
        else:
            head = f"# {thing.title()} notes {i}\n#{tag}\n"
        text = (f"{head}Thoughts on the {thing} in {place}: best done on {day}, "
                f"see [[{link}]]. Remember to bring item {rng.randrange(100, 999)}.\n")  # fmt: skip
        (folder / f"{name}.md").write_text(text)
        if i % 17 == 4 and len(questions) < 30:
            questions.append((f"In my notes tagged #{tag}, when is the {thing} in {place} best "
                              "done?", str(folder / f"{name}.md")))  # fmt: skip
    return questions


def build_zotero(folder: Path, rng: random.Random) -> list[tuple[str, str]]:
    papers, questions = [], []
    for i in range(100):
        lead = AUTHORS[i % len(AUTHORS)]
        year = 2012 + (i * 5) % 12
        topic = THINGS[(i // 3) % len(THINGS)]
        coauthors = [(AUTHORS[(i + k) % len(AUTHORS)], "A.") for k in (3, 7)][: i % 3]
        finding = f"{rng.randrange(10, 90)} percent"
        pages = [f"A study of the {topic}. We surveyed {rng.randrange(50, 900)} sites.",
                 f"Results: the {topic} improved outcomes by {finding} over the baseline."]  # fmt: skip
        papers.append(Paper(f"I{i:07d}", f"On the {topic}: study {i}", [(lead, "J."), *coauthors],
                            f"{year}-00-00 {year}", "Journal of Generated Studies", pages,
                            [f"Topic {i % 5}"]))  # fmt: skip
        if i % 3 == 1 and len(questions) < 30:
            questions.append((f"What did {lead} {year} find about the {topic}?", f"I{i:07d}"))
    zotero_library(folder, papers)
    return questions


def hit_rank(engine: Engine, question: str, right: str) -> int | None:
    """1-based rank of the right item among the top 5 (a paper by its Zotero key)."""
    for rank, hit in enumerate(engine.library.search(question, 5), 1):
        if hit.path == right or (right.startswith("I") and f"A{right[1:]}" in hit.path):
            return rank
    return None


def score(engine: Engine, questions: list[tuple[str, str]]) -> tuple[float, float]:
    ranks = [hit_rank(engine, q, right) for q, right in questions]
    n = max(1, len(ranks))
    return sum(r is not None for r in ranks) / n, sum(r == 1 for r in ranks) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", choices=["real", "hash"], default="real")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="Keep the corpus and index here.")
    parser.add_argument("--big-mb", type=int, default=0,
                        help="Also an archive of this many MB (messages with 2 MB photos): its "
                        "first index and the re-index after one new message.")  # fmt: skip
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = args.out or Path(tempfile.mkdtemp(prefix="sourcewise-sources-"))
    archive, mail_q = build_mail(out / "mail", args.messages, rng)
    vault_q = build_vault(out / "vault", rng)
    zotero_q = build_zotero(out / "Zotero", rng)
    settings = Settings(home=out / "home")
    embedder = HashEmbedder() if args.embedder == "hash" else None
    engine = build_engine(settings, embedder=embedder, chat_model=None)
    rows = []
    sources = (("mail (messages)", out / "mail", mail_q, args.messages),
               ("vault (notes)", out / "vault", vault_q, 500),
               ("zotero (papers)", out / "Zotero", zotero_q, 100))  # fmt: skip
    for name, folder, questions, items in sources:
        started = time.monotonic()
        report = engine.library.index([folder], collection=name.split()[0])
        seconds = time.monotonic() - started
        top5, top1 = score(engine, questions)
        rows.append((name, items, report.files_indexed, seconds, top5, top1, len(questions)))
    append_mbox(archive, [message("New Person <new@bench.example>", "me@bench.example", "Late",
                                  "A late message about the kayak rental.",
                                  when=datetime(2025, 1, 1), msgid="late@bench.example")])  # fmt: skip
    started = time.monotonic()
    again = engine.library.index([out / "mail"], collection="mail")
    reindex = time.monotonic() - started
    big = _big_archive(engine, out / "big", args.big_mb) if args.big_mb else None
    engine.close()
    _print(rows, reindex, again.files_indexed, args, embedder is not None)
    if big:
        print(f"an archive of {big[0] / 2**20:.0f} MB: first index {big[1]:.1f} s, re-index "
              f"after one new message {big[2]:.2f} s")  # fmt: skip


def _big_archive(engine: Engine, folder: Path, megabytes: int) -> tuple[int, float, float]:
    """An archive made large by attachments (2 MB photos, not indexed): (bytes, seconds to
    index it, seconds to index it again after one message is appended)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "photos.mbox"
    photo = random.Random(1).randbytes(2 << 20)
    for i in range(max(1, megabytes * 10 // 27)):  # base64 makes 2 MB about 2.7 MB
        append_mbox(archive, [message(f"Friend {i % 9} <f{i % 9}@bench.example>", "me@bench.example",
                                      f"Photos {i}", f"Photos from trip {i}.", when=datetime(2022, 1, 1)
                                      + timedelta(days=i), msgid=f"photo{i}@bench.example",
                                      attachments=((f"IMG_{i}.jpg", photo),))])  # fmt: skip
    started = time.monotonic()
    engine.library.index([folder], collection="big")
    first = time.monotonic() - started
    append_mbox(archive, [message("Friend <f@bench.example>", "me@bench.example", "One more",
                                  "The last photo.", when=datetime(2025, 1, 1),
                                  msgid="last@bench.example")])  # fmt: skip
    started = time.monotonic()
    engine.library.index([folder], collection="big")
    return archive.stat().st_size, first, time.monotonic() - started


def _print(rows: list[tuple[str, int, int, float, float, float, int]], reindex: float, new: int,
           args: argparse.Namespace, fake: bool) -> None:  # fmt: skip
    print(f"embedder: {'hash (fake)' if fake else 'bge-small-en (default)'}; "
          f"{args.messages} messages, seed {args.seed}")  # fmt: skip
    print("| source | items | documents indexed | seconds | items per second | right item in top 5 "
          "| first | questions |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, items, docs, seconds, top5, top1, n in rows:
        print(f"| {name} | {items} | {docs} | {seconds:.1f} | {items / seconds:.1f} | {top5:.2f} "
              f"| {top1:.2f} | {n} |")  # fmt: skip
    print(f"\nre-index after one new message: {reindex:.2f} s ({new} document indexed)")


if __name__ == "__main__":
    main()
