"""Fixtures: the project's own, shipped to plugin authors in core.testing.

The browser fixtures (``core.testing.browser``) are registered once for the whole run: one
Playwright and one Chromium serve every folder of browser tests.
"""

pytest_plugins = ["core.testing", "core.testing.browser"]
