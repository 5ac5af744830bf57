"""The idea box in a real browser: the plugin's test app on a live server, in headless Chromium,
checked with axe-core.

The plugin's ``app_config`` (``tests/plugins/idea_box/conftest.py``: ``idea_box`` enabled next
to whatever ``CIVIQUE_PLUGINS`` enables) is extended with what a browser needs (CSRF on, any
host name) and a small support threshold, so that a few residents can carry an idea to study.
"""

from core.testing.browser import in_the_browser

# Supports an idea needs to be selected for study in these tests.
SUPPORT_THRESHOLD = 3

app_config = in_the_browser(IDEA_BOX={"SUPPORT_THRESHOLD": SUPPORT_THRESHOLD})
