"""Pages shared by every reader (core.pagecache.kept_for_readers, core.pageparts), proved with
the idea box: a signed-in person is served the page kept for visitors with their own parts
filled in, and gets exactly the page they would have got rendered for them alone."""

from __future__ import annotations

import re
import uuid

import pytest

from core.database import db
from core.pagecache import EXTENSION, HEADER
from core.services.comments import Comment
from core.services.supports.models import Support
from core.testing import redis_url_for_tests

TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')


@pytest.fixture(params=["memory", "redis"])
def store(request) -> dict:
    """Kept pages in each worker's memory, and in Redis (``CIVIQUE_TEST_REDIS_URL``)."""
    if request.param == "memory":
        return {"REDIS_URL": None}
    return {"REDIS_URL": redis_url_for_tests("shared pages"),
            "PAGE_CACHE_KEY_PREFIX": f"civique-test-shared:{uuid.uuid4().hex}"}


@pytest.fixture
def app_config(app_config, store):
    return {**app_config, "PAGE_CACHE_SECONDS": 30, **store}


@pytest.fixture(autouse=True)
def forget_redis_keys(app):
    yield
    kept = app.extensions[EXTENSION].store
    if hasattr(kept, "redis"):
        keys = list(kept.redis.scan_iter(f"{kept.prefix}:*"))
        if keys:
            kept.redis.delete(*keys)


@pytest.fixture
def discussed(users, make_user, make_idea):
    """A published idea with comments by several people, one of them hidden by moderation,
    and a few other ideas around it."""
    author = make_user("ines@example.org", "Ines Author")
    idea = make_idea(author, title="A cycle lane on rue de Bâle")
    for number in range(3):
        make_idea(author, title=f"Another idea {number}")
    commenters = [users["resident"], make_user("paul@example.org", "Paul Voisin"), author]
    for number, person in enumerate(commenters * 2):
        db.session.add(Comment(content_type=idea.content_type_name, content_id=idea.id,
                               author_id=person.id, body=f"Comment number {number}"))
    db.session.add(Comment(content_type=idea.content_type_name, content_id=idea.id,
                           author_id=commenters[1].id, body="Rude words", is_hidden=True,
                           hidden_reason="Insults"))
    db.session.add(Support(user_id=users["resident"].id, content_type=idea.content_type_name,
                           content_id=idea.id))
    idea.support_count = 1
    db.session.commit()
    return {"idea": idea, "author": author}


def sign_in(login, client, user) -> None:
    """Log ``user`` in and read the page that shows the welcome message (then gone)."""
    login(client, user)
    client.get("/account/")


def pages(idea) -> list[str]:
    return ["/", "/ideas/", "/ideas/?sort=newest", f"/ideas/{idea.id}", "/search/?q=cycle"]


def rendered_alone(app, client, path: str) -> str:
    """The page as it is rendered for the client's reader alone (the page cache off)."""
    cache = app.extensions[EXTENSION]
    seconds, cache.seconds = cache.seconds, 0
    try:
        page = client.get(path)
    finally:
        cache.seconds = seconds
    assert page.status_code == 200
    assert HEADER not in page.headers
    return page.text


def comparable(text: str) -> str:
    return TOKEN.sub(r"\1TOKEN\2", text)


@pytest.mark.parametrize("who", ["resident", "moderator", "admin", "author"])
def test_a_reader_gets_the_shared_page_exactly_as_if_rendered_for_them(
        app, client, users, login, discussed, who):
    idea = discussed["idea"]
    app.test_client().get(f"/ideas/{idea.id}")  # a visitor keeps the idea's page first
    sign_in(login, client, discussed["author"] if who == "author" else users[who])
    for path in pages(idea):
        shared = client.get(path)
        assert shared.status_code == 200, path
        assert shared.headers[HEADER] == "shared", path
        assert comparable(shared.text) == comparable(rendered_alone(app, client, path)), path


def test_each_reader_sees_their_own_parts_and_no_one_else_s(app, users, make_user, login, discussed):
    idea = discussed["idea"]
    resident, moderator, visitor = app.test_client(), app.test_client(), app.test_client()
    sign_in(login, resident, users["resident"])
    sign_in(login, moderator, users["moderator"])

    page = resident.get(f"/ideas/{idea.id}")
    assert page.headers[HEADER] == "shared"
    assert "You support this." in page.text  # their support
    assert "Log out" in page.text and "Log in to comment." not in page.text
    assert "Read the hidden text (moderators only)" not in page.text

    page = moderator.get(f"/ideas/{idea.id}")
    assert page.headers[HEADER] == "shared"
    assert "You support this." not in page.text
    assert "Read the hidden text (moderators only)" in page.text and "Rude words" in page.text

    page = visitor.get(f"/ideas/{idea.id}")
    assert page.headers[HEADER] == "hit"
    assert "Log in to support." in page.text and "Log in to comment." in page.text
    assert "Rose Resident" not in page.text.split("<main")[0]  # nobody's account in the header
    assert "Rude words" not in page.text and "You support this." not in page.text


def test_what_a_reader_does_they_see_at_once(app, client, users, login, discussed):
    idea = discussed["idea"]
    sign_in(login, client, users["resident"])
    assert client.get(f"/ideas/{idea.id}").headers[HEADER] == "shared"
    page = client.get(f"/ideas/{idea.id}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    posted = client.post(f"/content/{idea.content_type_name}/{idea.id}/comments",
                         data={"csrf_token": token, "body": "Seen at once, I hope"})
    assert posted.status_code == 302
    page = client.get(f"/ideas/{idea.id}")  # rendered for them: it says the comment is published
    assert "Seen at once, I hope" in page.text
    page = client.get(f"/ideas/{idea.id}")
    assert page.headers[HEADER] == "shared"
    assert "Seen at once, I hope" in page.text

    withdrawn = client.post(f"/content/{idea.content_type_name}/{idea.id}/support",
                            data={"csrf_token": token, "action": "withdraw"})
    assert withdrawn.status_code == 302
    client.get(f"/ideas/{idea.id}")  # the message that the support is withdrawn
    page = client.get(f"/ideas/{idea.id}")
    assert page.headers[HEADER] == "shared"
    assert "You support this." not in page.text and "0 supports" in page.text


def test_a_page_only_its_reader_may_see_is_rendered_for_them_and_never_kept(
        app, client, users, login, make_idea):
    draft = make_idea(users["resident"], title="My secret draft", state="draft")
    login(client, users["resident"])
    page = client.get(f"/ideas/{draft.id}")
    assert page.status_code == 200 and "My secret draft" in page.text
    assert HEADER not in page.headers
    assert app.test_client().get(f"/ideas/{draft.id}").status_code == 404
    other = app.test_client()
    login(other, users["moderator"])
    assert "My secret draft" not in other.get(f"/ideas/{draft.id}").text


def test_a_reader_with_a_message_waiting_gets_the_page_rendered_for_them(app, client, users, login, discussed):
    idea = discussed["idea"]
    sign_in(login, client, users["resident"])
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Your settings are saved.")]
    page = client.get(f"/ideas/{idea.id}")
    assert HEADER not in page.headers
    assert "Your settings are saved." in page.text


def test_a_reader_s_address_reaches_the_shared_page_as_it_came(app, client, users, login, discussed):
    """A query string sent as raw UTF-8 (not percent-encoded, as some clients do) is the same
    search for the page rendered for visitors as for the reader."""
    sign_in(login, client, users["resident"])
    raw = "q=rue de Bâle".encode().decode("latin-1")  # how WSGI hands over raw bytes
    page = client.get("/search/", environ_overrides={"QUERY_STRING": raw})
    assert page.headers[HEADER] == "shared"
    assert 'value="rue de Bâle"' in page.text
    assert "A cycle lane on rue de Bâle" in page.text


def test_a_part_gets_back_the_arguments_it_was_given(app):
    """What a kept page holds of a part's arguments comes back as it was given: text, text
    already safe to show (a translated label with an apostrophe), lists, nothing."""
    from markupsafe import Markup

    from core.pageparts import _keep, _restore, dumps, loads

    given = {"label": Markup("Import the city&#39;s accounts"), "plain": "l'été <b>", "ids": [1, 2],
             "none": None, "flag": True}
    kept = loads(dumps({name: _keep(value) for name, value in given.items()}))
    back = {name: _restore(value, {}) for name, value in kept.items()}
    assert back == given
    assert isinstance(back["label"], Markup) and not isinstance(back["plain"], Markup)
