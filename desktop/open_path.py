"""Opening a source in the user's own application, for sources that are not files of their own.

A message of an mbox archive (``inbox.mbox/<id>.eml``) and a message's attachment
(``.../report.pdf``) are documents at virtual paths beneath their archive; the file that holds
them is the nearest part of the path that exists.
"""

from __future__ import annotations

from pathlib import Path

from sourcewise.desktop.qt import QDesktopServices, QUrl


def holding_file(path: str) -> Path | None:
    """``path`` itself when it exists, else the nearest existing file or folder above it."""
    for candidate in (Path(path), *Path(path).parents):
        if candidate.exists():
            return candidate
    return None


def open_source(path: str) -> bool:
    """Open the file that holds ``path`` with the desktop's default application."""
    target = holding_file(path)
    return target is not None and QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
