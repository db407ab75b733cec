"""Parsing off the main thread: in worker processes by default, so the embedder (in the main
process) is never starved and a parser crash kills one worker, not the app."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.document import ParsedDocument
from sourcewise.core.ingest.parsers import parse_file


@dataclass(frozen=True)
class ParseOutcome:
    path: str
    doc: ParsedDocument | None
    failure: tuple[str, str] | None  # (status code, message)
    seconds: float


def parse_task(path: str, ocr: bool, max_bytes: int) -> ParseOutcome:
    start = time.perf_counter()
    try:
        doc = parse_file(Path(path), ocr=ocr, max_bytes=max_bytes)
    except ParseError as err:
        return ParseOutcome(path, None, (err.kind, str(err)), time.perf_counter() - start)
    except MemoryError:
        return ParseOutcome(path, None, ("too_large", "not enough memory to parse this file"), 0.0)
    except Exception as err:  # noqa: BLE001 - a parser bug on one file must not stop the batch
        message = f"could not be parsed ({type(err).__name__}: {err})"
        return ParseOutcome(path, None, ("corrupt", message[:300]), time.perf_counter() - start)
    return ParseOutcome(path, doc, None, time.perf_counter() - start)


def worker_alive() -> bool:
    """A no-op first task: if even this fails, the worker processes never started."""
    return True


WORKERS_DID_NOT_START = (
    "the parse worker processes could not start. When Sourcewise runs from a script, call it "
    'under `if __name__ == "__main__":` (each worker re-imports the script), or set '
    'index.parse_mode = "thread"'
)


def parse_workers(configured: int) -> int:
    # On 2 cores: one parser process while the main process embeds.
    return configured or max(1, (os.cpu_count() or 2) - 1)


def make_executor(mode: str, workers: int) -> Executor:
    if mode == "thread":
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sourcewise-parse")
    # spawn, not fork: the parent may hold threads (Qt, torch, FAISS) that fork would corrupt.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_ignore_sigint)  # fmt: skip


def _ignore_sigint() -> None:
    """Ctrl+C in a terminal reaches the whole process group: the parent cancels the job and
    shuts the pool down, so a worker must not die of it (and print a traceback) first."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
