"""Core service: moderation (being built)."""
