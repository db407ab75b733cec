"""A local, OpenAI-compatible HTTP API over the engine (``sourcewise serve``)."""
