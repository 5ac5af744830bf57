"""Every page of the demo city answers, as a visitor and as each role, on this leg's database.

The same walk as the browser tests (``tests/e2e/test_every_page.py``: links followed from the
home page, two pages of each kind), through the test client. What the browser checks there
(reflow at 320 px, the Content-Security-Policy, axe-core) does not depend on the database, so
``make test`` runs it on the SQLite leg only; this walk runs on both, and catches a page that
fails on one database and not the other.
"""

from __future__ import annotations

from core.demo import load_demo
from core.testing.site import DEMO_PASSWORD, WALKERS, walk_answers


def test_every_page_answers_for_every_role(app):
    accounts = {email for _role, email in load_demo(DEMO_PASSWORD)}
    problems = []
    for walker, email in WALKERS.items():
        client = app.test_client()
        if email is not None:
            assert email in accounts, f"{walker} is no demo account"
            signed_in = client.post("/account/login", data={"email": email, "password": DEMO_PASSWORD})
            assert signed_in.status_code == 302, f"{walker} could not sign in"
        paths, errors = walk_answers(client)
        assert len(paths) >= 15, f"{walker}: the walk found only {paths}"
        problems.extend(f"{walker}: {error}" for error in errors)
    assert not problems, "\n".join(problems)
