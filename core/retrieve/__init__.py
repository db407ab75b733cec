"""Retrieval: dense (FAISS) + keyword (FTS5 BM25), fused, optionally cross-encoder reranked."""
