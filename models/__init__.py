"""Model manifest (manifest.toml) and, in a checkout, the model files themselves."""
