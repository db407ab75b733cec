"""A local, OpenAI-compatible HTTP API over the engine (started by ``sourcewise serve``,
``sourcewise.core.cli.serve_cmd``)."""
