"""Fixtures shared with the tests of tests/engine: engines built with the fast fakes."""

from tests.engine.conftest import embedder, engine

__all__ = ["embedder", "engine"]  # pytest fixtures, re-exported for this folder's tests
