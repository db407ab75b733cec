"""Answering: context assembly, grounded generation, citation checking, abstention."""
