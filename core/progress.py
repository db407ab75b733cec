"""Progress reporting and cooperative cancellation for long operations (no Qt).

Every long engine call takes ``progress: ProgressCallback | None`` and ``cancel: CancelToken |
None``. Work checks the token between small steps, so a cancel takes effect within a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sourcewise.core.errors import Cancelled


class CancelToken:
    """A thread-safe flag; ``check()`` raises :class:`Cancelled` once it is set."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; return True early if cancelled meanwhile."""
        return self._event.wait(seconds)


@dataclass(frozen=True)
class Progress:
    """A snapshot of a long job. Counts are totals so far; ``*_total`` may be unknown (None)."""

    stage: str
    done: int = 0
    total: int | None = None
    message: str = ""
    files_done: int = 0
    files_total: int | None = None
    pages: int = 0
    chunks: int = 0
    rate: float = 0.0  # items (files when indexing) per second
    eta_s: float | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


ProgressCallback = Callable[[Progress], None]


class RateMeter:
    """Items-per-second and ETA over the whole run (stable enough for a progress bar)."""

    def __init__(self) -> None:
        self._start = time.monotonic()

    def rate(self, done: int) -> float:
        elapsed = time.monotonic() - self._start
        return done / elapsed if elapsed > 0 else 0.0

    def eta(self, done: int, total: int | None) -> float | None:
        rate = self.rate(done)
        if total is None or rate <= 0:
            return None
        return max(0.0, (total - done) / rate)
