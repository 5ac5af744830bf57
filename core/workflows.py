"""Workflows: content moves between declared states; the core enforces and records each move."""

from __future__ import annotations

from .content import ContentMixin


def start(item: ContentMixin) -> None:
    """Put a new item in its workflow's initial state."""
    workflow = item.content_type.workflow
    if workflow is not None:
        item.state = workflow.initial
