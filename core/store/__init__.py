"""Persistence: SQLite (metadata, chunks, FTS5, the vectors themselves) and the FAISS ANN index."""
