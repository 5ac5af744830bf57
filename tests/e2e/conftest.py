"""Browser tests: the app on a live server, in headless Chromium, checked with axe-core."""

import pytest

from core.testing.browser import LIVE_SERVER_CONFIG


@pytest.fixture
def app_config():
    """The shipped site (every built-in plugin), as a browser uses it: CSRF on, any host name."""
    return dict(LIVE_SERVER_CONFIG)

