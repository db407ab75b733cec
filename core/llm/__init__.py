"""Chat models behind :class:`ChatModel`: llama.cpp here; the echo fake for tests is in
:mod:`sourcewise.core.testing`."""
