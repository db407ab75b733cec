"""Screenshots of the desktop app's main states, for the docs and for eyeballing releases.

Runs the real window under the current display (``xvfb-run -a`` in the Makefile) on an
isolated temporary data directory, with the fake embedder and chat model unless ``--real``:

    xvfb-run -a .venv/bin/python packaging/screenshots.py --out docs/screenshots [--real]

Writes empty.png (fresh start), indexing.png (the sample corpus mid-indexing, progress
visible) and answer.png (an answer with citations, the cited PDF page highlighted).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine
from sourcewise.core.progress import Progress
from sourcewise.core.settings import Settings, load_settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from sourcewise.desktop.assets import sample_dir
from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.qt import (
    QApplication,
    QColor,
    QEvent,
    QEventLoop,
    QPalette,
    Qt,
    QTimer,
)

_SOURCE = re.compile(r"^\[(\d+)\][^\n]*\n(.+?)(?=\n\[\d+\]|\Z)", re.S | re.M)  # as the echo fake
QUESTION = "What must I do before clearing a jam on a powered machine?"
SIZE = (1440, 900)


class QuotingChatModel(EchoChatModel):
    """The echo fake, made presentable: it quotes the sentence of each of the first two
    sources that shares the most words with the question, and cites it."""

    @staticmethod
    def _reply(prompt: str) -> str:
        question = set(_words(prompt.rsplit("Question:", 1)[-1]))
        parts: list[str] = []
        for n, body in _SOURCE.findall(prompt)[:2]:
            sentences = [s for para in body.split("\n") for s in re.split(r"(?<=[.!?])\s+", para)]
            scored = [
                (len(question & set(_words(s))), s.strip())
                for s in sentences
                if len(s.split()) >= 6
            ]
            if scored:
                overlap, best = max(scored, key=lambda pair: pair[0])
                if overlap >= 3 or not parts:
                    parts.append(f"{best.rstrip('.')} [{n}].")
        return " ".join(parts) or "The documents do not cover this."


def _words(text: str) -> list[str]:
    stop = {"the", "a", "an", "of", "on", "to", "and", "or", "i", "do", "what", "how", "is", "must"}
    return [w for w in re.findall(r"\w+", text.lower()) if w not in stop]


class SlowHashEmbedder(HashEmbedder):
    """The fake embedder, slowed down so a screenshot can catch indexing in progress."""

    def embed_documents(self, texts: Sequence[str]) -> Any:
        time.sleep(0.12)
        return super().embed_documents(texts)


def make_engine(home: Path, real: bool) -> Engine:
    if real:
        return build_engine(load_settings({"home": home}))
    settings = Settings(home=home, models_dir=home / "models", index={"parse_mode": "thread"},
                        embed={"model": "hash", "batch_size": 4})  # fmt: skip
    return build_engine(settings, embedder=SlowHashEmbedder(), chat_model=QuotingChatModel(),
                        reranker=None)  # fmt: skip


def use_dark_scheme(app: QApplication) -> None:
    """What a desktop in dark mode gives the app; set by hand where no platform theme does
    (Xvfb), to check that nothing in the app assumes a light palette."""
    app.setStyle("Fusion")
    app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
    if app.palette().color(QPalette.ColorRole.Window).lightness() < 128:
        return
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#7fb0ff",
        QPalette.ColorRole.ToolTipBase: "#353535", QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8a8a8a",
    }  # fmt: skip
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    app.setPalette(palette)


def settle(ms: int = 300) -> None:
    """Let pending layout and paint events run."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(signal: Any, timeout_s: float) -> list[Any]:
    loop = QEventLoop()
    got: list[Any] = []

    def done(*args: Any) -> None:
        got.extend(args)
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(done)
    return got


def save(window: MainWindow, out: Path, name: str) -> None:
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    path = out / name
    if not window.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


def run(out: Path, real: bool, dark: bool = False) -> int:
    out.mkdir(parents=True, exist_ok=True)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    if dark:
        use_dark_scheme(app)
    with tempfile.TemporaryDirectory(prefix="sourcewise-shots-") as tmp:
        engine = make_engine(Path(tmp) / "home", real)
        window = MainWindow(engine)
        window.resize(*SIZE)
        window.show()
        wait_for(window.library_refreshed, 60)
        settle(500)
        save(window, out, "empty.png")

        shot: list[bool] = []

        def on_progress(p: Progress) -> None:
            if not shot and p.stage == "indexing" and p.files_done >= 2:
                shot.append(True)
                save(window, out, "indexing.png")

        window.indexing_progress.connect(on_progress)
        window.index_paths([sample_dir()], "sample")
        wait_for(window.indexing_finished, 600)
        window.indexing_progress.disconnect(on_progress)
        if not shot:
            print(
                "warning: indexing ended before a mid-way screenshot could be taken",
                file=sys.stderr,
            )
        wait_for(window.library_refreshed, 30)

        window.chat.input.setPlainText(QUESTION)
        window.chat.submit()
        got = wait_for(window.answer_finished, 600)
        answer = got[0] if got else None
        if answer is None:
            print("warning: no answer came back", file=sys.stderr)
        else:
            pdf = next((c for c in answer.citations if c.path.endswith(".pdf")), None)
            if pdf is not None:
                window.show_citation(len(window.chat.conversation.exchanges) - 1, pdf.n)
            else:
                print("warning: the answer cites no PDF", file=sys.stderr)
        settle(500)
        save(window, out, "answer.png")
        window.close()
        engine.close()
    del app
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    parser.add_argument("--real", action="store_true", help="use the real models, not the fakes")
    parser.add_argument("--dark", action="store_true", help="dark colour scheme (Fusion style)")
    args = parser.parse_args(argv)
    return run(args.out, args.real, args.dark)


if __name__ == "__main__":
    raise SystemExit(main())
