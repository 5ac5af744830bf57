"""The conciliator in a real browser: the live server with the plugin enabled."""

import pytest

from core.testing.browser import LIVE_SERVER_CONFIG


@pytest.fixture
def app_config(app_config):
    return {**LIVE_SERVER_CONFIG, **app_config}
