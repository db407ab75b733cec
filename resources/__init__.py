"""Bundled data files: the app icon, the desktop style sheet and a sample corpus."""
