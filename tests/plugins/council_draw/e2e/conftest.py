"""Browser tests of citizens' councils: the plugin's test app (``../conftest.py``:
``council_draw`` enabled next to whatever ``CIVIQUE_PLUGINS`` enables) on a live server, as a
browser uses it (CSRF on, any host name)."""

from core.testing.browser import in_the_browser

app_config = in_the_browser()
