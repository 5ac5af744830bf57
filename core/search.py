"""Core service: search (being built)."""
