"""The conciliator in a real browser: the plugin's test app (``tests/plugins/conciliator/conftest.py``)
on a live server, as a browser uses it."""

from core.testing.browser import in_the_browser

app_config = in_the_browser()
