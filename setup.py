"""Maps the repo's top-level folders into the one `sourcewise.*` import namespace.

pyproject.toml holds the metadata; this file exists only because setuptools cannot rename
folders into a namespace with `packages.find`, so the package list is computed here.
"""

from setuptools import find_packages, setup

_MAPPED = {"core": "sourcewise.core", "desktop": "sourcewise.desktop"}


def _packages() -> list[str]:
    found = find_packages(where=".", include=["core", "core.*", "desktop", "desktop.*"])
    names = []
    for name in found:
        top, _, rest = name.partition(".")
        names.append(_MAPPED[top] + (f".{rest}" if rest else ""))
    return [*names, "sourcewise.models", "sourcewise.resources"]


setup(
    packages=_packages(),
    package_dir={
        "sourcewise.core": "core",
        "sourcewise.desktop": "desktop",
        "sourcewise.models": "models",
        "sourcewise.resources": "resources",
    },
)
