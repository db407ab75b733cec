"""Monitoring: every answer logged (summarised over time by ``eval/answer_report.py``)."""
