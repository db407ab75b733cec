"""Both install modes work: the editable one the tests run on, and a built wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_editable_install_maps_the_namespace() -> None:
    import sourcewise.core
    import sourcewise.models

    assert Path(sourcewise.core.__file__).parent.name == "core"
    assert (Path(sourcewise.models.__file__).parent / "manifest.toml").exists()


def test_wheel_has_one_namespace_and_imports(tmp_path: Path) -> None:
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    wheel = next(out.glob("sourcewise-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("sourcewise-")}
    assert tops == {"sourcewise"}  # no bare top-level core, desktop, models...
    for needed in ("sourcewise/core/engine/__init__.py", "sourcewise/desktop/app.py",
                   "sourcewise/models/manifest.toml", "sourcewise/resources/sample/employee-handbook.md"):  # fmt: skip
        assert needed in names, needed
    assert not any(n.endswith(".gguf") for n in names)  # model files never ship in the wheel
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import sourcewise.core as c; "
        "from sourcewise.core.modelstore.manifest import load_manifest; "
        "print(c.__file__); print(len(load_manifest()))"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(site)], check=True,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    first, count = done.stdout.split()
    assert first.startswith(str(site)) and int(count) >= 4
