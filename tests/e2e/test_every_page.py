"""Every page of the demo city, as a visitor and as each role, on a phone and on a desktop: what a
person sees (checked in a real Chromium, see core/testing/site.py).

At 320 px and 1280 px wide, no page scrolls sideways, the browser refuses nothing under the
Content-Security-Policy and no script fails, no raw ISO timestamp is shown, and axe-core finds no
WCAG 2.1 A/AA violation. The pages are found by following links from the home page, the way
people find them (two pages of each kind: the first two ideas, not all of them).
"""

from __future__ import annotations

import pytest

from core.testing.browser import log_in
from core.testing.site import DEMO_PASSWORD, WALKERS, WIDTHS, check_page, walk

pytestmark = pytest.mark.e2e

@pytest.fixture
def demo_city(app):
    """The demo city (``flask --app core demo``), loaded in the test database."""
    from core.demo import load_demo

    accounts = dict((email, role) for role, email in load_demo(DEMO_PASSWORD))
    assert set(filter(None, WALKERS.values())) <= set(accounts), "every walker is a demo account"
    return accounts


@pytest.mark.parametrize("walker", WALKERS, ids=WALKERS.keys())
def test_every_page_reads_well_on_a_phone_and_a_desktop(walker, demo_city, live_server, page, axe_script):
    base = live_server.url
    if WALKERS[walker]:
        log_in(page, WALKERS[walker], DEMO_PASSWORD)
    paths = walk(page, base)
    assert len(paths) >= 15, f"the walk found only {paths}"
    problems = []
    for path in paths:
        for width in WIDTHS:
            visit = check_page(page, base, path, width, axe_script)
            problems.extend(f"{path} at {width} px: {problem}" for problem in visit.problems)
    assert not problems, f"{walker}: {len(problems)} problem(s) on {len(paths)} pages:\n" + "\n".join(problems)
