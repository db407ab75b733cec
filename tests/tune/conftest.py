"""The eval fixtures (corpus, indexed fake engine) serve the tuning tests too."""

from tests.eval.conftest import corpus, engine

__all__ = ["corpus", "engine"]
