"""Core service: stats (being built)."""
