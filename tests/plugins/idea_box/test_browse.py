"""Browsing the ideas: filters, search, sorts (a random order stable for each visitor),
pagination, and a page that costs the same queries for 5 ideas or 50."""

import re


from core.database import db
from core.testing import count_queries


def titles(response) -> list[str]:
    return re.findall(r'<h3><a href="/ideas/\d+">([^<]+)</a></h3>', response.text)


def test_filters_by_neighbourhood_theme_and_status(client, users, make_idea, places):
    make_idea(users["resident"], title="Trees in Rebberg", category=places["nature"])
    make_idea(users["resident"], title="A cycle lane in Dornach", neighbourhood="dornach",
              category=places["mobility"])
    make_idea(users["resident"], title="A done idea in Dornach", neighbourhood="dornach", state="implemented")
    make_idea(users["resident"], title="A draft nobody sees", state="draft")
    make_idea(users["resident"], title="An idea awaiting moderation", state="pending")
    make_idea(users["resident"], title="A hidden idea", is_hidden=True)

    everything = titles(client.get("/ideas/"))
    assert sorted(everything) == ["A cycle lane in Dornach", "A done idea in Dornach", "Trees in Rebberg"]
    dornach = titles(client.get(f"/ideas/?neighbourhood={places['dornach'].id}"))
    assert sorted(dornach) == ["A cycle lane in Dornach", "A done idea in Dornach"]
    assert titles(client.get(f"/ideas/?category={places['nature'].id}")) == ["Trees in Rebberg"]
    assert titles(client.get("/ideas/?status=implemented")) == ["A done idea in Dornach"]
    assert sorted(titles(client.get("/ideas/?status=open"))) == ["A cycle lane in Dornach", "Trees in Rebberg"]
    empty = client.get(f"/ideas/?category={places['nature'].id}&status=implemented")
    assert "No idea matches these filters: try fewer words or another neighbourhood." in empty.text
    # Nonsense in the address is ignored, not an error.
    assert client.get("/ideas/?neighbourhood=abc&status=x&sort=y&page=-2").status_code == 200


def test_search_finds_ideas_by_their_words(client, users, make_idea):
    make_idea(users["resident"], title="Drinking fountains in the park", body="Water for joggers and families.")
    make_idea(users["resident"], title="A cycle lane", body="From Dornach to the centre.")
    assert titles(client.get("/ideas/?q=fountains")) == ["Drinking fountains in the park"]
    assert titles(client.get("/ideas/?q=dornach")) == ["A cycle lane"]
    assert titles(client.get("/ideas/?q=zeppelin")) == []


def test_sorted_by_supports_or_newest(client, users, make_idea):
    from datetime import timedelta

    from core.database import utcnow

    now = utcnow()
    make_idea(users["resident"], title="Old and popular", support_count=30, published_at=now - timedelta(days=9))
    make_idea(users["resident"], title="New and quiet", support_count=1, published_at=now)
    make_idea(users["resident"], title="Middle", support_count=5, published_at=now - timedelta(days=3))
    assert titles(client.get("/ideas/")) == ["Old and popular", "Middle", "New and quiet"]
    assert titles(client.get("/ideas/?sort=newest")) == ["New and quiet", "Middle", "Old and popular"]


def test_the_random_order_is_stable_for_a_visitor_and_differs_between_visitors(client, users, make_idea):
    for number in range(30):
        make_idea(users["resident"], title=f"Idea number {number:02d}")
    other = client.application.test_client()
    with client.session_transaction() as session:
        session["idea_box_seed"] = 12345
    with other.session_transaction() as session:
        session["idea_box_seed"] = 777

    first = titles(client.get("/ideas/?sort=random&per_page=10"))
    again = titles(client.get("/ideas/?sort=random&per_page=10"))
    assert first == again and len(first) == 10
    pages = first + titles(client.get("/ideas/?sort=random&per_page=10&page=2")) + titles(
        client.get("/ideas/?sort=random&per_page=10&page=3"))
    assert sorted(pages) == sorted(f"Idea number {n:02d}" for n in range(30))  # each idea once
    assert titles(other.get("/ideas/?sort=random&per_page=10")) != first
    assert pages != sorted(pages)  # not simply the order of creation


def test_a_new_visitor_gets_a_seed_kept_in_their_session(client, users, make_idea):
    for number in range(5):
        make_idea(users["resident"], title=f"Idea number {number}")
    first = titles(client.get("/ideas/?sort=random"))
    with client.session_transaction() as session:
        assert isinstance(session["idea_box_seed"], int)
    assert titles(client.get("/ideas/?sort=random")) == first


def test_pagination_keeps_the_filters(client, users, make_idea, places):
    for number in range(25):
        make_idea(users["resident"], title=f"Rebberg idea {number:02d}")
    make_idea(users["resident"], title="Dornach idea", neighbourhood="dornach")
    page = client.get(f"/ideas/?neighbourhood={places['rebberg'].id}&sort=newest")
    assert len(titles(page)) == 20
    assert "25 ideas" in page.text
    assert f"neighbourhood={places['rebberg'].id}" in re.search(r'href="([^"]*)" rel="next"', page.text).group(1)
    second = client.get(re.search(r'href="([^"]*)" rel="next"', page.text).group(1).replace("&amp;", "&"))
    assert len(titles(second)) == 5 and "Dornach idea" not in second.text




def test_a_page_of_50_ideas_costs_the_same_queries_as_a_page_of_5(client, users, login, make_idea, make_user,
                                                                   support):
    authors = [users["staff"], make_user("author@example.org", "Alex Author")]
    ideas = [make_idea(authors[number % 2], title=f"Idea {number}") for number in range(50)]
    login(client, users["resident"])
    for idea in ideas[:3]:
        support(idea)  # the page shows both kinds of buttons
    client.get("/ideas/?per_page=1")  # warm-up: the session's first queries are not the list's
    few, small = count_queries(client, "/ideas/?per_page=5")
    many, large = count_queries(client, "/ideas/?per_page=50")
    assert small.text.count('class="card idea-card') == 5
    assert large.text.count('class="card idea-card') == 50
    assert "Withdraw my support" in large.text
    assert many == few


def test_the_same_holds_for_a_visitor_and_the_random_order(client, users, make_idea):
    for number in range(50):
        make_idea(users["staff"], title=f"Idea {number}")
    client.get("/ideas/?per_page=1&sort=random")
    few, _ = count_queries(client, "/ideas/?per_page=5&sort=random")
    many, large = count_queries(client, "/ideas/?per_page=50&sort=random")
    assert large.text.count('class="card idea-card') == 50
    assert many == few


def test_the_home_page_shows_ideas_open_for_support(client, users, make_idea):
    make_idea(users["resident"], title="Popular idea", support_count=12)
    make_idea(users["resident"], title="Finished idea", state="implemented")
    home = client.get("/")
    assert "Popular idea" in home.text and "Finished idea" not in home.text
    assert 'href="/ideas/"' in home.text
