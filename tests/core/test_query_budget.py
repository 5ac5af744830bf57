"""The queries a signed-in resident's page costs: a budget per kind of page, so that they
cannot creep back (issue "Speed for the people who take part").

The resident walks the demo city as the browser tests do (links followed from the home page,
two pages of each kind) and every page is counted once warm. A page over its budget fails with
its count: bring it back under (a ``selectinload``, one query for a list instead of one per
item), or, when the page really shows more, raise its budget here and say why in the commit.
"""

from __future__ import annotations

from core.demo import load_demo
from core.testing import count_queries
from core.testing.site import DEMO_PASSWORD, WALKERS, kind_of, walk_answers

# Every page kind not named here: the account, the permissions, the notifications' count and
# the settings (5 queries on every signed-in page), then the page's own.
DEFAULT_BUDGET = 12
BUDGETS = {
    "/stats/": 32,                      # one count per figure of every plugin
    "/consultations/N": 22,             # questionnaire, proposals, arguments, documents, answer
    "/search/": 21,                     # results of every content type, with their facets
    "/ideas/N": 19,                     # the idea, its steps, answer, comments, supports
    "/consultations/proposals/N": 14,
    "/mediation/cases/N": 13,
}


def test_every_page_of_a_signed_in_resident_keeps_to_its_query_budget(app):
    load_demo(DEMO_PASSWORD)
    client = app.test_client()
    signed_in = client.post("/account/login",
                            data={"email": WALKERS["resident"], "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    paths, _errors = walk_answers(client)
    assert len(paths) >= 40
    over = []
    for path in paths:
        count_queries(client, path)  # the first view of a kind loads what the app keeps
        queries, _response = count_queries(client, path)
        budget = BUDGETS.get(kind_of(path), DEFAULT_BUDGET)
        if queries > budget:
            over.append(f"{path}: {queries} queries for a budget of {budget}")
    assert not over, "\n".join(over)
