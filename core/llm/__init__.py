"""Chat models: llama.cpp (real) and an echo fake for tests, behind :class:`ChatModel`."""
