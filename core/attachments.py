"""Core service: attachments (being built)."""
