"""The idea box's pages with the page cache on (as in production): a visitor's random order
stays their own, and an idea withdrawn from view leaves the kept pages at once."""

from __future__ import annotations

import pytest

from core.pagecache import HEADER

from .test_browse import titles


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PAGE_CACHE_SECONDS": 30, "REDIS_URL": None}


def test_a_random_order_is_never_kept_nor_handed_to_another_visitor(app, users, make_idea):
    for number in range(30):
        make_idea(users["resident"], title=f"Idea number {number:02d}")
    first, second = app.test_client(), app.test_client()
    with first.session_transaction() as session:
        session["idea_box_seed"] = 12345
    mine = first.get("/ideas/?sort=random&per_page=10")
    assert first.get("/ideas/?sort=random&per_page=10").headers.get(HEADER) != "hit"

    theirs = second.get("/ideas/?sort=random&per_page=10")
    assert theirs.headers.get(HEADER) != "hit"
    assert titles(theirs) != titles(mine)
    # Their pages follow their own order: each idea once over the three pages.
    pages = titles(theirs) + titles(second.get("/ideas/?sort=random&per_page=10&page=2")) + titles(
        second.get("/ideas/?sort=random&per_page=10&page=3"))
    assert sorted(pages) == sorted(f"Idea number {n:02d}" for n in range(30))

    # A visitor with an order of their own is still served the pages kept for everyone.
    app.test_client().get("/ideas/?sort=newest")
    assert first.get("/ideas/?sort=newest").headers[HEADER] == "hit"


def test_a_hidden_idea_leaves_the_kept_list_at_once(app, client, users, login, make_idea):
    idea = make_idea(users["resident"], title="Shade sails over the market")
    reader = app.test_client()
    reader.get("/ideas/")
    kept = reader.get("/ideas/")
    assert kept.headers[HEADER] == "hit" and "Shade sails over the market" in kept.text

    login(client, users["moderator"])
    hidden = client.post(f"/moderation/{idea.content_type_name}/{idea.id}/hide",
                         data={"reason": "Advertising"})
    assert hidden.status_code == 302
    page = reader.get("/ideas/")
    assert page.headers[HEADER] == "miss"
    assert "Shade sails over the market" not in page.text
