"""Fast, deterministic fakes of the engine's models, for this project's tests and any other
backend's or plugin's: they load nothing and need no pytest.

The reusable contract tests every implementation should pass live in
:mod:`sourcewise.core.testing.contracts` (which imports pytest).
"""

from sourcewise.core.testing.chat_model import EchoChatModel, ScriptedChatModel
from sourcewise.core.testing.embedder import HashEmbedder
from sourcewise.core.testing.reranker import OverlapReranker

__all__ = ["EchoChatModel", "HashEmbedder", "OverlapReranker", "ScriptedChatModel"]
