"""The layering rules are checked, not hoped for: Qt inside the engine, a client (the app, the
CLI, a server) reaching past the engine facade, or a layer importing one above it, fails an
import contract."""

from __future__ import annotations

import ast
import os
import re
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
@pytest.mark.parametrize("where", ["desktop", "core/cli", "core/server", "core/mcp"])
def test_a_client_reaching_into_the_store_breaks_its_contract(tmp_path: Path, where: str) -> None:
    pkg = _tree(tmp_path)
    probe = "from sourcewise.core.store.sqlite_store import SqliteStore\n"
    (pkg / where / "_probe.py").write_text(probe, encoding="utf-8")
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert "The clients use the engine only through its facade BROKEN" in broken.stdout
    assert "_probe -> sourcewise.core.store.sqlite_store" in broken.stdout


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")
@pytest.mark.parametrize(
    ("where", "probe"),
    [
        ("store", "from sourcewise.core.retrieve import hits\n"),  # the store under retrieval
        ("ingest", "from sourcewise.core.retrieve import hits\n"),  # siblings: independent
        ("llm", "from sourcewise.core.tune import train\n"),  # a model backend under the tools
        ("answer", "from sourcewise.core.engine import Engine\n"),  # answering under the facade
        ("modelstore", "from sourcewise.core.store import rows\n"),  # model files under all
    ],
    ids=["store-retrieve", "ingest-retrieve", "llm-tune", "answer-engine", "modelstore-store"],
)
def test_a_layer_importing_one_above_it_breaks_the_layers(
    tmp_path: Path, where: str, probe: str
) -> None:
    pkg = _tree(tmp_path)
    (pkg / "core" / where / "_probe.py").write_text(probe, encoding="utf-8")
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert "The engine is layered: each layer imports only the layers below it BROKEN" in (
        broken.stdout
    )
    assert f"sourcewise.core.{where}._probe -> " in broken.stdout


def _engine_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        n.module
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("sourcewise.")
    }


def test_the_store_protocol_and_its_rows_import_no_backend() -> None:
    """Callers name what they pass the store without depending on SQLite, FAISS or PostgreSQL:
    the protocol imports only the rows, the engine's types and the embedder protocol."""
    store = REPO / "core" / "store"
    assert _engine_imports(store / "rows.py") == set()
    assert _engine_imports(store / "protocol.py") == {
        "sourcewise.core.store.rows",
        "sourcewise.core.types",
        "sourcewise.core.embed.base",
    }


@pytest.mark.parametrize("where", ["desktop", "core/cli"])
def test_the_app_and_the_cli_never_touch_the_index_store(where: str) -> None:
    """They go through Engine methods (roots(), set_watched(), passages()...), not the store."""
    users = [str(p.relative_to(REPO)) for p in sorted((REPO / where).rglob("*.py"))
             if "index_store" in p.read_text(encoding="utf-8")]  # fmt: skip
    assert users == []


_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE)\b.*\b(FROM|INTO|SET|TABLE)\b", re.S)


def _strings(source: str) -> list[str]:
    """Every string literal of a module (adjacent literals joined, f-string parts included)."""
    tree = ast.parse(source)
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def test_sql_lives_only_in_the_store() -> None:
    """Every query is a method of ``sourcewise.core.store`` (as sqlite-utils' ``Collection``
    owns its tables' queries); no other module of the engine or the app holds SQL."""
    store = REPO / "core" / "store"
    offenders = [
        f"{path.relative_to(REPO)}: {text.split()[0]} …"
        for folder in ("core", "desktop")
        for path in sorted((REPO / folder).rglob("*.py"))
        if store not in path.parents
        for text in _strings(path.read_text(encoding="utf-8"))
        if _SQL.search(text)
    ]
    assert offenders == []


def test_the_sql_check_sees_a_query() -> None:
    probe = 'rows = db.execute(\n    "SELECT id FROM chunks "\n    f"WHERE blob_id = {x}"\n)\n'
    assert any(_SQL.search(s) for s in _strings(probe))
