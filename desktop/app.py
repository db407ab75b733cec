"""Entry point of the desktop app: ``sourcewise-desktop`` or ``python -m sourcewise.desktop``.

Settings load first (a bad settings file is reported on the terminal, before any window);
the window shows at once and the engine is built off the UI thread (models load lazily on
first use anyway). Without a display the app says so and points at the CLI instead of
letting Qt abort.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sourcewise.core.errors import SourcewiseError

NO_DISPLAY_MESSAGE = """\
sourcewise-desktop: no display found (DISPLAY and WAYLAND_DISPLAY are not set).
Start it from a desktop session, or run it headless with QT_QPA_PLATFORM=offscreen.
Everything the app does is also available on the command line:
  sourcewise index resources/sample      # index a folder (here: the sample corpus)
  sourcewise search "expense limits"     # find passages
  sourcewise ask "How many days of leave do I get?"   # a cited answer"""


def display_available(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """False on Linux/BSD when neither X11 nor Wayland is reachable and no Qt platform is set."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if env.get("QT_QPA_PLATFORM"):
        return True
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return True  # Windows and macOS always have a window server


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="sourcewise-desktop", description="Sourcewise desktop app"
    )
    parser.add_argument("--sample", action="store_true",
                        help="on first run (empty index) index the bundled sample documents")  # fmt: skip
    parser.add_argument(
        "--data-dir", type=Path, help="data directory for the index, chats and settings"
    )
    parser.add_argument("--self-test", action="store_true",
                        help="open the window, check the engine and its native libraries "
                        "(with --sample: index the sample and ask), print ok and exit")  # fmt: skip
    return parser.parse_known_args(list(argv))  # the rest goes to Qt (-style, -platform...)


def main(argv: Sequence[str] | None = None) -> int:
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from sourcewise.core.settings import load_settings, settings_file

    overrides: dict[str, Any] = {}
    if args.data_dir is not None:
        overrides["home"] = args.data_dir.expanduser().resolve()
    # The file load_settings reads is the one the settings dialog writes.
    config_file = settings_file(overrides.get("home"))
    try:
        settings = load_settings(overrides)
    except SourcewiseError as err:
        print(f"sourcewise-desktop: {err}", file=sys.stderr)
        return 1

    from sourcewise.core.factory import build_engine
    from sourcewise.desktop.assets import sample_dir
    from sourcewise.desktop.main_window import MainWindow
    from sourcewise.desktop.qt import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Sourcewise")
    app.setApplicationDisplayName("Sourcewise")
    app.setDesktopFileName("sourcewise")
    window = MainWindow(engine_factory=build_engine, settings=settings, config_file=config_file,
                        sample_dir=sample_dir() if args.sample else None)  # fmt: skip
    app.setWindowIcon(window.windowIcon())
    window.show()
    if args.self_test:
        from sourcewise.desktop import selftest

        return selftest.run(app, window, args.sample)
    return int(app.exec())
