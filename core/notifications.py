"""Core service: notifications (being built)."""
