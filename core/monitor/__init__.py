"""Monitoring: every answer logged, summarised over time, poorly rated ones exported."""
