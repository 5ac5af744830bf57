"""Shared pages on the demo city: the same as the page rendered for the reader alone, and the
queries a signed-in resident's shared page costs (the page kept for visitors, their own
parts filled in: core.pageparts), with the page cache on as in production: a budget per kind
of page, so that what is theirs stays cheap to fill in (issue "Speed for the people who take
part").

The resident walks the demo city (links followed from the home page) and every page served as a
shared page is counted once warm. A page over its budget fails with its count.
"""

from __future__ import annotations

import re

import pytest

from core.demo import load_demo
from core.pagecache import EXTENSION, HEADER
from core.testing import count_queries
from core.testing.site import DEMO_PASSWORD, WALKERS, kind_of, walk_answers

# The account with its roles and the notifications' count (the header), then the page's parts.
DEFAULT_BUDGET = 3
BUDGETS = {
    "/ideas/N": 8,       # the idea, the reader's support, follow, reports (idea, comments)
    "/ideas/": 4,        # the reader's supports on the cards (one query for the list)
}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PAGE_CACHE_SECONDS": 30, "REDIS_URL": None}


def test_every_shared_page_of_a_signed_in_resident_keeps_to_its_query_budget(app):
    load_demo(DEMO_PASSWORD)
    client = app.test_client()
    signed_in = client.post("/account/login",
                            data={"email": WALKERS["resident"], "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    client.get("/account/")  # shows the welcome message, then gone
    paths, errors = walk_answers(client)
    assert not errors
    shared, over = [], []
    for path in paths:
        count_queries(client, path)  # kept for visitors, then shared
        queries, response = count_queries(client, path)
        if response.headers.get(HEADER) != "shared":
            continue
        shared.append(path)
        budget = BUDGETS.get(kind_of(path), DEFAULT_BUDGET)
        if queries > budget:
            over.append(f"{path}: {queries} queries for a budget of {budget}")
    # The home page, the ideas and an idea's page, search, the finances, a consultation's results.
    assert {kind_of(path) for path in shared} >= {"/", "/ideas/", "/ideas/N", "/search/", "/finances/"}
    assert not over, "\n".join(over)


TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')


@pytest.mark.parametrize("walker", ["resident", "staff", "moderator", "admin"])
def test_every_shared_page_of_the_demo_is_the_page_rendered_for_its_reader_alone(app, walker):
    """Each page of the demo city that a signed-in person gets shared is, to the letter, the
    page rendered for them alone (the page cache off): nothing of theirs outside a part, nothing
    of someone else's inside."""
    load_demo(DEMO_PASSWORD)
    client = app.test_client()
    signed_in = client.post("/account/login",
                            data={"email": WALKERS[walker], "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    client.get("/account/")
    paths, _errors = walk_answers(client)
    cache = app.extensions[EXTENSION]
    compared = []
    for path in paths:
        shared = client.get(path)
        if shared.headers.get(HEADER) != "shared":
            continue
        seconds, cache.seconds = cache.seconds, 0
        try:
            alone = client.get(path)
        finally:
            cache.seconds = seconds
        assert TOKEN.sub(r"\1\2", shared.text) == TOKEN.sub(r"\1\2", alone.text), path
        compared.append(path)
    assert {kind_of(path) for path in compared} >= {"/ideas/", "/ideas/N", "/search/", "/finances/"}
