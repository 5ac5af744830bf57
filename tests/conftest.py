"""Fixtures: the project's own, shipped to plugin authors in core.testing."""

pytest_plugins = ["core.testing"]
