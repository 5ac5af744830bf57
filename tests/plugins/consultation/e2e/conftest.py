"""The consultation in a real browser: the plugin's test app on a live server, in headless
Chromium, checked with axe-core.

The plugin's ``app_config`` (``tests/plugins/consultation/conftest.py``) is extended with what a
browser needs (CSRF on, any host name). The browser fixtures themselves are registered once for
the whole run (``tests/conftest.py``).
"""

from __future__ import annotations

import pytest

from core.testing.browser import LIVE_SERVER_CONFIG


@pytest.fixture
def app_config(app_config):
    """The plugin's test configuration, as a browser uses it."""
    return {**app_config, **LIVE_SERVER_CONFIG}
