"""The idea box in a real browser: the plugin's test app on a live server, in headless Chromium,
checked with axe-core.

The plugin's ``app_config`` (``tests/plugins/idea_box/conftest.py``: ``idea_box`` enabled next
to whatever ``CIVIQUE_PLUGINS`` enables) is extended with what a browser needs (CSRF on, any
host name) and a small support threshold, so that a few residents can carry an idea to study.
"""

from __future__ import annotations

import pytest

from core.testing.browser import LIVE_SERVER_CONFIG

# Supports an idea needs to be selected for study in these tests.
SUPPORT_THRESHOLD = 3


@pytest.fixture
def app_config(app_config):
    """The plugin's test configuration, as a browser uses it, with a threshold of three."""
    return {**app_config, **LIVE_SERVER_CONFIG, "IDEA_BOX": {"SUPPORT_THRESHOLD": SUPPORT_THRESHOLD}}

