"""The consultation in a real browser: the plugin's test app on a live server, in headless
Chromium, checked with axe-core.

The plugin's ``app_config`` (``tests/plugins/consultation/conftest.py``) is extended with what a
browser needs (CSRF on, any host name). The browser fixtures themselves are registered once for
the whole run (``tests/conftest.py``).
"""

from core.testing.browser import in_the_browser

app_config = in_the_browser()
