"""Tests of sourcewise.core.modelstore and the `models` CLI."""
