"""Core service: supports (being built)."""
