"""The ``sourcewise`` command line."""

from sourcewise.core.cli.main import main

__all__ = ["main"]
