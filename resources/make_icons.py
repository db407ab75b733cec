"""Render resources/icons/sourcewise.svg to PNGs at the sizes desktops and installers ask for.

Run after changing the SVG (the PNGs are committed):  python resources/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
HERE = Path(__file__).resolve().parent / "icons"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(HERE / "sourcewise.svg"))
    if not renderer.isValid():
        print("cannot read sourcewise.svg", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = HERE / f"sourcewise-{size}.png"
        image.save(str(out))
        print(out.relative_to(HERE.parent.parent))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
