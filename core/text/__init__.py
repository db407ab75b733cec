"""Plain-text helpers every layer may use (no imports from the rest of the engine)."""
