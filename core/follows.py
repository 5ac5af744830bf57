"""Core service: follows (being built)."""
