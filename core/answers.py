"""Core service: answers (being built)."""
