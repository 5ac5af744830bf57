"""Core service: comments (being built)."""
