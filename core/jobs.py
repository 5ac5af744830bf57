"""Core service: jobs (being built)."""
