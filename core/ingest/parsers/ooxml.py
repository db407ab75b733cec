"""Container checks shared by the Office Open XML parsers (DOCX, PPTX, XLSX).

Checked before the library opens the file so that the common failures get a precise kind:
a password-protected Office file is not a zip at all but an OLE compound file holding an
``EncryptedPackage`` stream; an old binary .doc/.xls/.ppt renamed to the new extension is an
OLE file without one.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import BinaryIO

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.parsers._common import converting_errors

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_SCAN_CHUNK = 1 << 20


def check_container(path: Path, label: str) -> None:
    """Raise ``ParseError`` unless ``path`` is a readable zip archive."""
    with converting_errors(label):
        with path.open("rb") as handle:
            head = handle.read(len(_OLE_MAGIC))
            if head == _OLE_MAGIC:
                if _contains(handle, _ENCRYPTED_STREAM):
                    raise ParseError("encrypted", f"{label} is password-protected")
                raise ParseError(
                    "unsupported",
                    f"this is an old binary Office file, not {label}; save it as {label} again",
                )
        if not head:
            raise ParseError("empty", "file is empty")
        if not zipfile.is_zipfile(path):
            raise ParseError("corrupt", f"not a valid {label} (not a zip archive)")


def _contains(handle: BinaryIO, needle: bytes) -> bool:
    """Scan a file for ``needle`` chunk by chunk (encrypted files can be large)."""
    tail = b""
    while chunk := handle.read(_SCAN_CHUNK):
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle) :]
    return False
