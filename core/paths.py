"""Every filesystem location Sourcewise uses, derived from settings in one place."""

from __future__ import annotations

import json
import os
from importlib import resources
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


def bundled_models_dir() -> Path | None:
    """The models folder of the installation this package runs from, beside its manifest.

    In a source checkout (an editable install) this is the repo's ``models/``, where ``make``
    installs the default models; None when the package data is not a folder on disk.
    """
    try:
        folder = Path(str(resources.files("sourcewise.models")))
    except ModuleNotFoundError:  # a source tree that is not installed: core/ -> repo/models
        folder = Path(__file__).resolve().parents[1] / "models"
    return folder if folder.is_dir() else None


# An evaluation's folder holds its report under this name; ``<home>/eval/latest.json`` points at
# the latest folder (both written by ``sourcewise eval``: eval/eval_report.py).
EVAL_MARKDOWN = "report.md"


def latest_eval_pointer(home: Path) -> Path:
    return home / "eval" / "latest.json"


def latest_report(home: Path) -> Path | None:
    """The folder of the most recent evaluation, or None."""
    try:
        data = json.loads(latest_eval_pointer(home).read_text(encoding="utf-8"))
        path = Path(data["path"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return path if path.is_dir() else None


def latest_markdown(home: Path) -> Path | None:
    """The Markdown report of the most recent evaluation, or None."""
    folder = latest_report(home)
    if folder is None or not (folder / EVAL_MARKDOWN).exists():
        return None
    return folder / EVAL_MARKDOWN
