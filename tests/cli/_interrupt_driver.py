"""Run by test_cli_interrupt in its own session: ``sourcewise index`` with parse processes,
pressing Ctrl+C (SIGINT to the whole process group, as a terminal does) once indexing runs."""

from __future__ import annotations

import os
import signal
import sys

from sourcewise.core.cli import index_cmd
from sourcewise.core.cli.main import main
from sourcewise.core.progress import Progress

pressed = False


def press_ctrl_c_once(p: Progress) -> None:
    global pressed
    if p.stage == "indexing" and not pressed:
        pressed = True
        os.killpg(os.getpgrp(), signal.SIGINT)


if __name__ == "__main__":
    index_cmd._print_progress = press_ctrl_c_once
    sys.exit(main(sys.argv[1:]))
