"""How the desktop's library panel copes with a large library, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/desktop_scale.py [--files 10000] [--trials 3]

The window runs on an engine built with the fakes (hash embedder, echo chat model) whose
library answers with generated :class:`DocumentInfo` rows, the facade type the app reads, in
two layouts: "nested" (files in folders three levels deep, 50 files a folder) and "one folder"
(every file in one folder, as the messages of one mail archive would be). Per layout it times,
median of ``--trials``, each step followed by the events it posts and a synchronous repaint:

- window shown: a new main window until its library is filled and painted;
- live refresh: the library read again with one status changed (every 3 s while indexing);
- filter applied: a word that 1 % of the files hold, then a folder's name, then cleared;
- scroll to end: with every folder open (expanding them is timed too).

Timings on a shared machine are noisy: compare runs made one after another on one machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from sourcewise.core.types import DocumentInfo
from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.qt import QApplication

ROOT = Path("/home/ann/library")
PER_FOLDER = 50
STATUSES = ("indexed",) * 18 + ("pending", "encrypted")  # 5 % failed, 5 % pending


def generate(count: int, layout: str) -> list[DocumentInfo]:
    """``count`` rows; a few hold the word "harbour" (1 %) for the filter."""
    docs = []
    for i in range(count):
        if layout == "nested":
            folder = (
                ROOT
                / f"area-{i // 2500:02d}"
                / f"year-{i // 500:03d}"
                / f"box-{i // PER_FOLDER:04d}"
            )
        else:
            folder = ROOT / "mail" / "archive.mbox"
        word = "harbour" if i % 100 == 7 else "notes"
        status = STATUSES[i % len(STATUSES)]
        docs.append(DocumentInfo(str(folder / f"{word}-{i:05d}.pdf"), "default", status, "pdf",
                                 40_000 + i, 3, 12, None if status != "encrypted" else "locked",
                                 document_id=i + 1))  # fmt: skip
    return docs


def settle(window: MainWindow) -> None:
    """Run the posted events and paint the window now, as the screen would show it."""
    QApplication.processEvents()
    window.repaint()
    QApplication.processEvents()


def timed(step: Callable[[], None], window: MainWindow) -> float:
    start = time.perf_counter()
    step()
    settle(window)
    return time.perf_counter() - start


def run_layout(engine, docs: list[DocumentInfo], trials: int) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    engine.documents = lambda collection=None: docs  # the library the fake engine answers with
    times: dict[str, list[float]] = {}
    for _ in range(trials):
        for name, seconds in trial(engine, docs):
            times.setdefault(name, []).append(seconds)
    return times


def trial(engine, docs: list[DocumentInfo]) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    window = MainWindow(engine)
    panel = window.library
    done: list[bool] = []
    window.library_refreshed.connect(lambda: done.append(True))
    start = time.perf_counter()
    window.show()
    while not done:
        QApplication.processEvents()
    settle(window)
    out = [("window shown", time.perf_counter() - start)]
    changed = list(docs)
    changed[0] = DocumentInfo(**{**docs[0].__dict__, "status": "pending"})
    out.append(("live refresh (1 status changed)",
                timed(lambda: panel.set_documents(changed), window)))  # fmt: skip
    for label, text in (("filter: 1 % of files", "harbour"), ("filter: a folder's name", "box-0007"),
                        ("filter cleared", "")):  # fmt: skip
        panel.filter.setText(text)
        out.append((label, timed(panel.apply_filter, window)))
    assert len(panel.visible_files()) == len(docs)  # cleared: every file is back
    out.append(("open every folder", timed(panel.tree.expandAll, window)))
    out.append(("scroll to end", timed(panel.tree.scrollToBottom, window)))
    window.close()
    window.deleteLater()
    QApplication.processEvents()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp), models_dir=Path(tmp) / "m")
        engine = build_engine(settings, embedder=HashEmbedder(), chat_model=EchoChatModel(),
                              reranker=None)  # fmt: skip
        results = {layout: run_layout(engine, generate(args.files, layout), args.trials)
                   for layout in ("nested", "one folder")}  # fmt: skip
        engine.close()
    print(f"Library panel, {args.files} files, offscreen, median of {args.trials} "
          f"(ms; a shared machine: noisy)\n")  # fmt: skip
    layouts = list(results)
    print(f"| step | {' | '.join(layouts)} |")
    print(f"|---|{'---:|' * len(layouts)}")
    for step in results[layouts[0]]:
        cells = [f"{1000 * statistics.median(results[layout][step]):.0f}" for layout in layouts]
        print(f"| {step} | {' | '.join(cells)} |")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
