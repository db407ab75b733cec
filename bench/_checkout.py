"""One system of a before/after bench, in a process of its own: this checkout's code, or
another checkout's (``code``), so the code before a change answers beside it on the same files.

The bench script is run again with ``--worker FOLDER HOME QFILE OUT --models-dir DIR``: its
worker indexes ``FOLDER`` into ``HOME``, answers the questions of ``QFILE`` (JSON lines) and
writes what it found to ``OUT`` as JSON, which is returned.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from real_reports import _namespace_links


def run_worker(script: Path, folder: Path, questions: list[dict[str, Any]], work: Path,
               models_dir: Path, code: Path | None, index: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """``index``: a data folder already holding an index of ``folder`` (built by the same
    ingest code), copied for the worker, which then only answers."""
    qfile, out = work / "questions.jsonl", work / ("before.json" if code else "now.json")
    qfile.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions),
                     encoding="utf-8")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCEWISE_")}
    if code is not None:
        env["PYTHONPATH"] = str(_namespace_links(code, work / "links"))
    home = work / ("home-before" if code else "home")
    if index is not None:
        shutil.copytree(index, home, dirs_exist_ok=True)
    cmd = [sys.executable, str(script.resolve()), "--worker", str(folder), str(home),
           str(qfile), str(out), "--models-dir", str(models_dir)]  # fmt: skip
    subprocess.run(cmd, check=True, env=env)
    return dict(json.loads(out.read_text(encoding="utf-8")))
