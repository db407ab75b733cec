"""``--self-test``: prove an installed or packaged app works, then exit (0: ok, 1: not ok).

Opens the window, waits for the engine, loads the native libraries the engine uses
(llama.cpp, ONNX Runtime, FAISS, PyMuPDF) and, with ``--sample``, indexes the sample corpus
and asks a question. Prints one line per check and ``ok`` at the end.
"""

from __future__ import annotations

import importlib
import sys
import time

from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.qt import QApplication, QTimer

NATIVE = ("llama_cpp", "onnxruntime", "faiss", "pymupdf", "PySide6.QtWidgets")
QUESTION = "What must I do before clearing a jam on a powered machine?"
TIMEOUT_S = 300


class SelfTest:
    def __init__(self, app: QApplication, window: MainWindow, sample: bool) -> None:
        self.app, self.window, self.sample = app, window, sample
        self.start = time.monotonic()
        self.code = 1
        window.engine_ready.connect(self._on_engine)
        window.engine_failed.connect(lambda m: self._finish(False, f"engine failed: {m}"))
        window.indexing_finished.connect(self._on_indexed)
        window.answer_finished.connect(self._on_answer)
        self.deadline = QTimer(singleShot=True, interval=TIMEOUT_S * 1000)
        self.deadline.timeout.connect(lambda: self._finish(False, "timed out"))
        self.deadline.start()
        self.done = False

    def say(self, text: str) -> None:
        print(f"[{time.monotonic() - self.start:6.1f}s] {text}", flush=True)

    def _on_engine(self) -> None:
        engine = self.window.engine
        assert engine is not None
        self.say(f"window shown, engine ready (home {engine.settings.home})")
        for name in NATIVE:
            try:
                module = importlib.import_module(name)
            except Exception as err:  # noqa: BLE001 - report any failure to load
                self._finish(False, f"cannot import {name}: {type(err).__name__}: {err}")
                return
            self.say(f"loaded {name} {getattr(module, '__version__', '')}".rstrip())
        missing = [s.name for s in self.window.banner.check(engine)]
        self.say(f"models missing: {', '.join(missing) or 'none'}")
        if not self.sample:
            self._finish(True, "")

    def _on_indexed(self, report: object) -> None:
        if not self.sample:
            return
        self.say(f"indexed the sample: {report}")
        self.window.ask(QUESTION)

    def _on_answer(self, answer: object) -> None:
        if answer is None:
            self._finish(False, "no answer")
            return
        text = " ".join(str(getattr(answer, "answer", "")).split())
        self.say(f"answer: {text[:300]}")
        self.say(f"citations: {len(getattr(answer, 'citations', []))}")
        self._finish(True, "")

    def _finish(self, ok: bool, message: str) -> None:
        if self.done:
            return
        self.done = True
        self.deadline.stop()
        if message:
            self.say(message)
        print("ok" if ok else "FAILED", flush=True)
        self.code = 0 if ok else 1
        # Quit with our code; closing the last window must not also post a quit of its own,
        # which the next event loop (of a test suite, say) would receive.
        self.app.setQuitOnLastWindowClosed(False)
        self.window.close()
        self.app.exit(self.code)


def run(app: QApplication, window: MainWindow, sample: bool) -> int:
    test = SelfTest(app, window, sample)
    code = int(app.exec())
    app.setQuitOnLastWindowClosed(True)
    sys.stdout.flush()
    return code or test.code
