"""The conciliator in a real browser: the live server with the plugin enabled."""

import pytest

from core.testing.browser import LIVE_SERVER_CONFIG
from core.testing.browser import (  # noqa: F401  (fixtures)
    axe_check, axe_script, browser, browser_context_args, chromium_executable, live_server, page,
)


@pytest.fixture
def app_config(app_config):
    return {**LIVE_SERVER_CONFIG, **app_config}
