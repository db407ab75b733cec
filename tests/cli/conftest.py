"""Fixtures shared with the tests of tests/answer: engines built with the fast fakes."""

from tests.answer.conftest import docs

__all__ = ["docs"]  # pytest fixtures, re-exported for this folder's tests
