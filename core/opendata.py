"""Core service: opendata (being built)."""
