"""Evaluation: gold sets, metrics, runs over answering modes, reports."""
