"""The finance pages in a real browser: the plugin's test app on a live server, in headless
Chromium, checked with axe-core.

The plugin's ``app_config`` (``tests/plugins/finance_commission/conftest.py``:
``finance_commission`` enabled next to whatever ``CIVIQUE_PLUGINS`` enables) is extended with
what a browser needs (CSRF on, any host name).
"""

from core.testing.browser import in_the_browser

app_config = in_the_browser()
