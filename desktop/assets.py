"""Bundled files the desktop uses: the app icon and the sample corpus (from sourcewise.resources)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sourcewise.desktop.qt import QIcon, QSize

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def resources_dir() -> Path:
    return Path(str(resources.files("sourcewise.resources")))


def sample_dir() -> Path:
    """The sample corpus a first run can index (``--sample``)."""
    return resources_dir() / "sample"


def app_icon() -> QIcon:
    icon = QIcon()
    folder = resources_dir() / "icons"
    for size in ICON_SIZES:
        png = folder / f"sourcewise-{size}.png"
        if png.exists():
            icon.addFile(str(png), QSize(size, size))
    if icon.isNull():
        icon.addFile(str(folder / "sourcewise.svg"))
    return icon
