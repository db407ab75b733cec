"""Evaluation: gold sets, metrics, runs over answering modes, reports; and the answer log
summarised over time (``answer_report.py``, behind ``sourcewise report``)."""
