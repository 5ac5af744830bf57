"""Browser tests of citizens' councils: the live server with the plugin enabled, CSRF on."""

import pytest

from core.testing.browser import LIVE_SERVER_CONFIG


@pytest.fixture
def app_config():
    import plugins.council_draw

    from ..conftest import plugins_from_environment

    enabled = plugins_from_environment()
    if "council_draw" not in enabled:
        enabled.append("council_draw")
    return {**LIVE_SERVER_CONFIG, "PLUGINS": enabled,
            "EXTRA_PLUGINS": {"council_draw": plugins.council_draw}}
