"""Ingestion: files -> parsed blocks -> structure-aware chunks -> embedded, indexed chunks."""
