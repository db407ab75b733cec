"""Maps the repo's top-level folders into the one `sourcewise.*` import namespace.

pyproject.toml holds the metadata; this file exists only because setuptools cannot rename
folders into a namespace with `packages.find`, so the package list is computed here.
"""

from pathlib import Path

from setuptools import find_packages, setup

_MAPPED = {"core": "sourcewise.core", "desktop": "sourcewise.desktop"}


def _packages() -> list[str]:
    found = find_packages(where=".", include=["core", "core.*", "desktop", "desktop.*"])
    names = []
    for name in found:
        top, _, rest = name.partition(".")
        names.append(_MAPPED[top] + (f".{rest}" if rest else ""))
    # Data-only folders of resources/ are listed as packages too, so their files ship as
    # package data (setuptools warns about data in folders that are not packages).
    data = [
        "sourcewise.resources." + d.name
        for d in sorted(Path("resources").iterdir())
        if d.is_dir() and not d.name.startswith(("_", "."))
    ]
    return [*names, "sourcewise.models", "sourcewise.resources", *data]


setup(
    packages=_packages(),
    package_dir={
        "sourcewise.core": "core",
        "sourcewise.desktop": "desktop",
        "sourcewise.models": "models",
        "sourcewise.resources": "resources",
    },
)
