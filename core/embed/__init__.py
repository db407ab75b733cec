"""Embedders: one backend per module, all behind the :class:`Embedder` protocol."""

from sourcewise.core.embed.base import Embedder

__all__ = ["Embedder"]
