"""The layering rules are checked, not hoped for: Qt inside the engine, or the app or the CLI
reaching past the engine facade, fails an import contract."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _tree(tmp_path: Path) -> Path:
    pkg = tmp_path / "sourcewise"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "core", pkg / "core", ignore=ignore)
    shutil.copytree(REPO / "desktop", pkg / "desktop", ignore=ignore)
    return pkg


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")
@pytest.mark.parametrize(
    "probe",
    ["import PySide6\n", "from sourcewise.desktop import app\n"],
    ids=["qt-in-core", "desktop-in-core"],
)
def test_qt_or_desktop_in_core_breaks_the_contract(tmp_path: Path, probe: str) -> None:
    pkg = _tree(tmp_path)
    clean = _lint(tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (pkg / "core" / "ingest" / "_probe.py").write_text(probe, encoding="utf-8")
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert "BROKEN" in broken.stdout


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")
@pytest.mark.parametrize(
    ("where", "contract"),
    [("desktop", "The desktop app uses the engine only"), ("core/cli", "The CLI uses the engine")],
    ids=["desktop", "cli"],
)
def test_the_app_or_the_cli_reaching_into_the_store_breaks_its_contract(
    tmp_path: Path, where: str, contract: str
) -> None:
    pkg = _tree(tmp_path)
    probe = "from sourcewise.core.store.index import Index\n"
    (pkg / where / "_probe.py").write_text(probe, encoding="utf-8")
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert contract in broken.stdout and "_probe -> sourcewise.core.store.index" in broken.stdout


@pytest.mark.parametrize("where", ["desktop", "core/cli"])
def test_the_app_and_the_cli_never_touch_the_index_store(where: str) -> None:
    """They go through Engine methods (roots(), set_watched(), passages()...), not the store."""
    users = [str(p.relative_to(REPO)) for p in sorted((REPO / where).rglob("*.py"))
             if "index_store" in p.read_text(encoding="utf-8")]  # fmt: skip
    assert users == []
