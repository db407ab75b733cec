"""Sourcewise engine: ingestion, retrieval and answering, with no GUI dependency.

Everything a client needs is reachable from here: build an :class:`Engine` from
:class:`Settings` with :func:`build_engine`, and call its typed methods.
"""

from sourcewise.core.engine import Engine
from sourcewise.core.errors import Cancelled, SourcewiseError
from sourcewise.core.factory import build_engine
from sourcewise.core.progress import CancelToken, Progress
from sourcewise.core.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "CancelToken",
    "Cancelled",
    "Engine",
    "Progress",
    "Settings",
    "SourcewiseError",
    "__version__",
    "build_engine",
    "load_settings",
]
