"""Reading an mbox archive from a byte offset, message by message, without reading what came
before: what makes one new message in a 1 GB archive cost one message's work.

An mbox is messages one after another, each starting with a ``From `` line (a line in a body
that starts so is written ``>From ``); the standard library's ``mailbox.mbox`` splits the same
way but scans the whole file first to build its table of contents, which is the cost avoided.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from sourcewise.core.errors import ParseError
from sourcewise.core.progress import CancelToken

_TAIL = 4096  # bytes before the offset that must be unchanged for an append to be assumed


@dataclass(frozen=True)
class RawMessage:
    start: int  # offset of its "From " line
    end: int  # offset just past it (the next message's "From " line, or the end of the file)
    raw: bytes  # the message without its "From " line


@dataclass(frozen=True)
class MboxState:
    """What was read of an archive: up to ``offset``, whose last ``_TAIL`` bytes hashed to
    ``tail``; ``size`` and ``mtime`` are the file's when it was read to its end (-1 while a
    read was interrupted, so the next run resumes rather than skips)."""

    offset: int
    tail: str
    size: int = -1
    mtime: float = -1.0
    last: str = ""  # the path of the last message indexed: still there, or read again

    def encode(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def decode(cls, text: str | None) -> MboxState | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(int(data["offset"]), str(data["tail"]), int(data["size"]),
                       float(data["mtime"]), str(data.get("last", "")))  # fmt: skip
        except (ValueError, KeyError, TypeError):
            return None  # an older or damaged state: read the archive again


def tail_digest(path: Path, offset: int) -> str:
    with path.open("rb") as fh:
        fh.seek(max(0, offset - _TAIL))
        return hashlib.sha256(fh.read(min(offset, _TAIL))).hexdigest()


def resume_offset(path: Path, size: int, state: MboxState | None) -> int:
    """Where to start reading: after what was read before when the archive only grew (its
    bytes up to there unchanged), else from the start (a compacted or rewritten archive)."""
    if state is None or state.offset <= 0 or size < state.offset:
        return 0
    return state.offset if tail_digest(path, state.offset) == state.tail else 0


def messages(path: Path, start: int, cancel: CancelToken) -> Iterator[RawMessage]:
    """The messages from byte ``start`` (a message boundary) to the end of the file."""
    with path.open("rb") as fh:
        fh.seek(start)
        pos = start
        current: int | None = None
        body: list[bytes] = []
        for line in fh:
            if line.startswith(b"From "):
                if current is not None:
                    yield RawMessage(current, pos, b"".join(body))
                    cancel.check()
                current, body = pos, []
            elif current is None:
                if line.strip():
                    raise ParseError("corrupt", "not an mbox archive: it does not start with "
                                     "a 'From ' line")  # fmt: skip
            else:
                body.append(line)
            pos += len(line)
        if current is not None:
            yield RawMessage(current, pos, b"".join(body))
