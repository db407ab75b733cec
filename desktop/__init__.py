"""The Sourcewise desktop app: a thin PySide6 client of :class:`sourcewise.core.engine.Engine`."""
