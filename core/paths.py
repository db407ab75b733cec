"""Every filesystem location Sourcewise uses, derived from settings in one place."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "sourcewise"
HOME_ENV = "SOURCEWISE_HOME"


def default_home() -> Path:
    """The data directory when neither ``--data-dir`` nor ``SOURCEWISE_HOME`` is given."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file(home: Path | None) -> Path:
    """The settings TOML: inside an explicitly chosen home, else the platform config dir.

    Keeping it inside an explicit home makes ``SOURCEWISE_HOME=/tmp/x`` fully isolated, which
    tests and benchmarks rely on.
    """
    if home is not None:
        return home / "settings.toml"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def env_home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None
