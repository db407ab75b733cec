"""The team library backend: PostgreSQL + pgvector (``store.backend = "postgres"``)."""
